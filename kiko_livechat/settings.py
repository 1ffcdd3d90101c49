"""Runtime settings: the only module that reads environment variables."""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable, from `KIKO_*` environment variables or `.env`."""

    model_config = SettingsConfigDict(env_prefix="KIKO_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'kiko.db'}"
    redis_url: str | None = None
    port: int = 3000
    # Public URL of the app, used in links the app writes (e-mails, embed snippets).
    # Empty: http://localhost:<port>.
    base_url: str = ""
    # Other origins the dashboard is opened under (comma-separated, e.g. a second domain). Only
    # these and the base URL's own origin may talk to the app from a browser (CORS, websocket).
    allowed_origins: str = ""

    session_lifetime_days: int = 14
    # A session unused this long ends even before its lifetime is over.
    session_idle_days: int = 3
    # argon2id cost (RFC 9106's second recommendation: 64 MiB, 3 passes). The test suite lowers
    # it to keep thousands of test logins fast; the code path is the same.
    password_memory_kib: int = 65536
    password_time_cost: int = 3
    # Failed logins slow the next attempts down, they lock nobody out (services/login_throttle.py):
    # per client address and per account, after `login_free_failures` each failure doubles the
    # wait before the next attempt is checked (1 s, 2 s, 4 s ...) up to the caps below. From an
    # address without failures an attacked account waits at most `login_new_address_max_delay_seconds`,
    # so its owner gets in. Failures are forgotten after `login_failure_memory_minutes` without one.
    login_free_failures: int = 5
    login_address_max_delay_seconds: int = 900
    login_account_max_delay_seconds: int = 60
    login_new_address_max_delay_seconds: int = 2
    login_failure_memory_minutes: int = 60

    # HTTP API: requests per second per token (per worker process), and the burst allowed.
    api_rate_per_second: float = 50.0
    api_rate_burst: float = 200.0
    # Per client address: requests without a token, with one not accepted yet, and refused tokens.
    api_rate_per_address_per_second: float = 1.0
    api_rate_per_address_burst: float = 20.0

    invitation_valid_days: int = 7
    # At most one invitation e-mail per address and account in this time (resend, invite again).
    invitation_resend_seconds: int = 60
    # Each open dashboard tab reports every `presence_heartbeat_seconds`; an agent with no tab
    # reporting for `presence_grace_seconds` counts as offline. Browsers slow timers of hidden
    # tabs to one per minute, so the grace period must stay well above 60 s in production.
    presence_heartbeat_seconds: int = 25
    presence_grace_seconds: int = 150

    # Alert e-mails. No host: e-mail is off (the app runs; administrators see it is off).
    smtp_host: str | None = None
    smtp_port: int = 587
    # "starttls", "tls" (implicit, usually port 465) or "none".
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_sender: str = "Kiko Livechat <no-reply@localhost>"
    # Visitor messages arriving within this window after the first one go into one e-mail.
    alert_digest_seconds: int = 60

    # Webhooks may go to loopback and private networks (a self-hosted bot next to the app);
    # off, such addresses are refused when saved and, after resolving the name, when sent.
    # Cloud metadata addresses are refused either way.
    webhook_allow_private: bool = False
    # Webhook sends in flight at once per worker process (one at most per target).
    webhook_concurrency: int = 20

    # Attachments: where their files live (services/storage.py), and how large one may be.
    storage_dir: Path = PROJECT_ROOT / ".kiko" / "storage"
    attachment_max_mb: int = 40

    default_locale: str = "de"
    demo_logins_file: Path = PROJECT_ROOT / ".kiko" / "demo-logins.txt"

    @model_validator(mode="after")
    def _default_base_url(self) -> "Settings":
        if not self.base_url:
            self.base_url = f"http://localhost:{self.port}"
        return self


def browser_origins(settings: Settings) -> tuple[str, ...]:
    """The origins whose pages may use the app with credentials: the base URL's, the same port
    under the other loopback names when it is local (http://127.0.0.1:3000 for localhost:3000),
    and KIKO_ALLOWED_ORIGINS. Never "*": a reflected origin would let any site use a session."""
    base = urlsplit(settings.base_url)
    origins = [f"{base.scheme}://{base.netloc}"]
    if base.hostname in ("localhost", "127.0.0.1", "::1"):
        port = f":{base.port}" if base.port else ""
        origins += [f"{base.scheme}://{host}{port}" for host in _LOOPBACK]
    origins += [o.strip().rstrip("/") for o in settings.allowed_origins.split(",") if o.strip()]
    return tuple(dict.fromkeys(origins))


_LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
