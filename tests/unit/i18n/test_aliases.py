"""Alias names for anonymous visitors."""

import re

from kiko_livechat.i18n.aliases import alias, new_alias_key


def test_the_same_key_reads_in_each_language_with_german_endings():
    assert alias("0-0-4821", "de") == "Blaue Eule 4821"
    assert alias("0-0-4821", "en") == "Blue Owl 4821"
    assert alias("0-1-1000", "de") == "Blauer Fuchs 1000"
    assert alias("1-12-9999", "de") == "Grünes Pferd 9999"
    assert alias("15-15-1234", "fr") == "Lively Zebra 1234"


def test_new_keys_are_valid_and_varied():
    keys = {new_alias_key() for _ in range(200)}
    assert len(keys) > 190
    for key in keys:
        assert re.fullmatch(r"\d+-\d+-\d{4}", key)
        assert alias(key, "de") != key and alias(key, "en") != key


def test_a_broken_key_shows_as_itself():
    assert alias("nonsense", "de") == "nonsense"
    assert alias("99-0-1000", "en") == "99-0-1000"
