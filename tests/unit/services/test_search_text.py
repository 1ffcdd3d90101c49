"""The search's pure parts: words as the index sees them, safe query texts, snippets as parts."""

from kiko_livechat.services import search


def test_words_are_letters_and_digits_lower_case_each_once():
    assert search.words_of('"Paket"* OR paket: (Nr. 42) & x_y') == ("paket", "or", "nr", "42", "x", "y")
    assert search.words_of("*:&()") == ()
    assert len(search.words_of(" ".join(f"w{i}" for i in range(20)))) == search.WORDS_MAX


def test_query_texts_carry_no_syntax_from_the_input():
    words = search.words_of('ab"c d*e f:g')
    assert search.fts5_match(words) == '"ab"* "c"* "d"* "e"* "f"* "g"*'
    assert search.tsquery(words) == "ab:* & c:* & d:* & e:* & f:* & g:*"


def test_highlight_marks_word_starts_ignoring_case_and_accents():
    parts = search.highlight("Herr Müller hat MÜLLERS Paket", ("muller",))
    assert parts == (("Herr ", False), ("Müller", True), (" hat ", False), ("MÜLLER", True), ("S Paket", False))
    # Inside a word is no match (the index matches word starts only).
    assert search.highlight("Kleinpaket", ("paket",)) == (("Kleinpaket", False),)


def test_a_long_text_is_cut_around_the_first_match():
    text = "Anfang " + "bla " * 60 + "hier ist das Stichwort mitten drin " + "mehr " * 60
    parts = search.highlight(text, ("stichwort",))
    joined = "".join(p for p, _ in parts)
    assert parts[0] == ("…", False) and parts[-1] == ("…", False)
    assert ("Stichwort", True) in parts
    assert len(joined) <= search.SNIPPET_CHARS + 2
    assert joined.index("Stichwort") >= search.SNIPPET_LEAD - 5


def test_markup_stays_text():
    parts = search.highlight("<b>fett</b> <script>alert(1)</script>", ("fett",))
    assert "".join(p for p, _ in parts) == "<b>fett</b> <script>alert(1)</script>"
    assert ("fett", True) in parts
