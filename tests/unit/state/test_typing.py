"""When a composer change becomes a typing event for the other side."""

from kiko_livechat.state.typing import EXPIRE_SECONDS, REPEAT_SECONDS, signal_to_send


def test_the_first_key_says_on_at_once():
    assert signal_to_send(True, was_on=False, last_on_at=0.0, now=100.0)


def test_keys_in_quick_succession_do_not_each_send_an_event():
    assert not signal_to_send(True, was_on=True, last_on_at=100.0, now=100.3)


def test_typing_that_goes_on_repeats_on_before_the_reader_lets_it_expire():
    assert signal_to_send(True, was_on=True, last_on_at=100.0, now=100.0 + REPEAT_SECONDS)
    assert REPEAT_SECONDS * 2 < EXPIRE_SECONDS  # one lost repeat does not end the line


def test_off_goes_out_only_after_an_on():
    assert signal_to_send(False, was_on=True, last_on_at=100.0, now=100.1)
    assert not signal_to_send(False, was_on=False, last_on_at=0.0, now=100.0)  # a blur without typing
