"""Login attempts against the throttle with an injected clock (services/login_throttle.py)."""

from datetime import timedelta

from kiko_livechat.services import auth
from kiko_livechat.services.errors import AuthFailed

ATTACKERS = ("198.51.100.7", "198.51.100.8", "198.51.100.9")
OWNER_HOME = "203.0.113.9"


def attempt(db, email, password, address, now, login=auth.login):
    """ "ok", "wrong" (the password was checked) or the seconds the throttle asks to wait."""
    try:
        login(db, email=email, password=password, client_address=address, now=now)
    except AuthFailed as refused:
        return refused.params["seconds"] if refused.code == "auth.throttled" else "wrong"
    return "ok"


def hammer(db, email, addresses, failures, now, login=auth.login):
    """`failures` checked wrong passwords on `email` from `addresses`, each attempt as soon as the
    throttle lets one of them; returns the time of the last failure."""
    done = 0
    while done < failures:
        answers = [attempt(db, email, "guess", address, now, login) for address in addresses]
        done += answers.count("wrong")
        waits = [answer for answer in answers if answer != "wrong"]
        if done < failures and len(waits) == len(answers):
            now += timedelta(seconds=min(waits))
    return now
