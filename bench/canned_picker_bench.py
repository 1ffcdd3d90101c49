"""The composer's "/" picker with 5,000 canned responses in the account (4,500 account-wide, 500
the agent's own): what one keystroke costs, as the agent types "/", "/h", "/ha" ... "/hallo"
and a word found only in the texts. Printed beside the floor in the same run, the bare ranked
statements; then the service (ranking, shadowing, variables filled) and the whole HTTP
route the browser calls (login cookie checked, JSON written): its Server-Timing, and the time
until the answer is read in-process (no network).

Usage: python -m bench.canned_picker_bench [--responses 5000] [--rounds 300]
"""

import argparse
import os
import random
import time

# Fixture users need a password hash; the bench measures the picker, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bench.api_list_bench import api_client
from bench.both_databases import on_both_databases
from bench.timing import percentiles  # noqa: E402
from kiko_livechat import db as db_module  # noqa: E402
from kiko_livechat.models import CannedResponse, Role, SessionKind  # noqa: E402
from kiko_livechat.routes import CANNED_PICKER  # noqa: E402
from kiko_livechat.services import canned_responses  # noqa: E402
from kiko_livechat.services.session_handover import COOKIE_NAMES  # noqa: E402
from tests import databases, factories  # noqa: E402

WORDS = ("hallo", "danke", "termin", "lieferung", "rechnung", "rueckgabe", "passwort", "abschied", "preis", "gutschein")
SENTENCES = (
    "Vielen Dank für Ihre Nachricht, {{contact.name}}.",
    "Ich kümmere mich sofort um Ihr Anliegen.",
    "Die Lieferung dauert in der Regel zwei bis drei Werktage.",
    "Ihre Rechnung finden Sie im Kundenkonto unter Bestellungen.",
    "Gern vereinbare ich einen Rückruf mit Ihnen.",
    "Mit freundlichen Grüßen, {{agent.name}} von {{account.name}}",
)
# What the agent types after "/": a short code letter by letter (the codes fill the 8 rows),
# then words only the texts hold, or nothing holds (the contents are scanned too).
GROUPS = {
    "typing a code  (/ /h /ha /hal /hall /hallo)": ("", "h", "ha", "hal", "hall", "hallo"),
    "text only / no match (/werktage /zzzz)": ("werktage", "zzzz"),
}
# The bare statements the service runs per keystroke (services/canned_responses.py): the
# short codes; the contents only when fewer than 8 codes match. {like}: ILIKE on PostgreSQL,
# lower() LIKE lower() on SQLite (what SQLAlchemy's ilike writes there).
_VISIBLE = """account_id = :a AND (user_id = :u OR (user_id IS NULL AND short_code NOT IN
      (SELECT short_code FROM canned_responses WHERE account_id = :a AND user_id = :u)))"""
CODE_SQL = f"""SELECT id, short_code, content FROM canned_responses WHERE {_VISIBLE}
  AND {{code}} {{like}} :any ESCAPE '\\'
ORDER BY CASE WHEN {{code}} {{like}} :prefix ESCAPE '\\' THEN 1 ELSE 0 END DESC, short_code, id LIMIT 8"""
CONTENT_SQL = f"""SELECT id, short_code, content FROM canned_responses WHERE {_VISIBLE}
  AND NOT ({{code}} {{like}} :any ESCAPE '\\') AND {{content}} {{like}} :any ESCAPE '\\'
ORDER BY short_code, id LIMIT :room"""


def _floor_sql(engine: sa.Engine) -> tuple[str, str]:
    if engine.dialect.name == "postgresql":
        names = {"code": "short_code", "content": "content", "like": "ILIKE"}
    else:
        names = {"code": "lower(short_code)", "content": "lower(content)", "like": "LIKE"}
    return CODE_SQL.format(**names), CONTENT_SQL.format(**names)


def _seed(engine: sa.Engine, count: int) -> dict:
    rng = random.Random(15)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db, name="Großkunde")
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent = factories.user(db, acc.id)
        session = factories.login(db, agent)
        inbox = factories.inbox(db, acc.id, agent_ids=[agent.id])
        contact = factories.contact(db, acc.id, name="Erika Muster")
        conversation = factories.conversation(db, acc.id, inbox.id, contact.id)
    rows = []
    for i in range(count):
        personal = i % 10 == 0  # every tenth is the agent's own
        text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
        rows.append({
            "account_id": acc.id, "user_id": agent.id if personal else None,
            "short_code": f"{WORDS[i % len(WORDS)]}-{i}", "content": text,
        })  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(CannedResponse), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return {"account_id": acc.id, "admin": admin, "user_id": agent.id, "actor": session.actor,
            "token": session.token, "number": conversation.display_id}  # fmt: skip


def _floor(engine: sa.Engine, seeded: dict, rounds: int, keystrokes: tuple) -> list[float]:
    code_sql, content_sql = (sa.text(sql) for sql in _floor_sql(engine))
    samples = []
    with engine.connect() as conn:
        for n in range(rounds):
            typed = keystrokes[n % len(keystrokes)].lower()
            params = {"a": seeded["account_id"], "u": seeded["user_id"], "any": f"%{typed}%", "prefix": f"{typed}%"}
            started = time.perf_counter()
            found = conn.execute(code_sql, params).all()
            if len(found) < 8:
                conn.execute(content_sql, {**params, "room": 8 - len(found)}).all()
            samples.append(time.perf_counter() - started)
    return samples


def _service(engine: sa.Engine, seeded: dict, rounds: int, keystrokes: tuple) -> list[float]:
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        with Session(engine) as db:
            canned_responses.picker_rows(
                db, actor=seeded["actor"], search=keystrokes[n % len(keystrokes)], display_id=seeded["number"]
            )
        samples.append(time.perf_counter() - started)
    return samples


def _route(client: TestClient, seeded: dict, rounds: int, keystrokes: tuple) -> tuple[list[float], list[float], int]:
    server, wall, biggest = [], [], 0
    for n in range(rounds):
        params = {"q": keystrokes[n % len(keystrokes)], "conversation": str(seeded["number"])}
        started = time.perf_counter()
        answer = client.get(CANNED_PICKER, params=params)
        wall.append(time.perf_counter() - started)
        answer.raise_for_status()
        server.append(float(answer.headers["server-timing"].split("dur=")[1]) / 1000)
        biggest = max(biggest, len(answer.content))
    return server, wall, biggest


def run(label: str, url: str, count: int, rounds: int) -> None:
    engine = databases.migrated_engine(url)
    seeded = _seed(engine, count)
    client = api_client(url)
    client.cookies.set(COOKIE_NAMES[SessionKind.AGENT], seeded["token"])
    _route(client, seeded, 20, GROUPS[next(iter(GROUPS))])  # warm up
    print(f"{label}: {count} canned responses, one keystroke each:")
    for group, keystrokes in GROUPS.items():
        floor = _floor(engine, seeded, rounds, keystrokes)
        service = _service(db_module.get_engine(), seeded, rounds, keystrokes)
        server, wall, biggest = _route(client, seeded, rounds, keystrokes)
        print(f"  {group}")
        print(f"    floor (bare statements)        {percentiles(floor)}")
        print(f"    service picker_rows            {percentiles(service)}")
        print(f"    route, server side             {percentiles(server)}")
        print(f"    route, answer read in-process  {percentiles(wall)}   largest answer {biggest} bytes")
    db_module.get_engine().dispose()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    on_both_databases(run, "kiko_bench_canned_picker", args.responses, args.rounds)


if __name__ == "__main__":
    main()
