"""Runtime settings: the only module that reads environment variables."""

from functools import lru_cache
from pathlib import Path

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

    session_lifetime_days: int = 14
    # A session unused this long ends even before its lifetime is over.
    session_idle_days: int = 3
    # argon2id cost (RFC 9106's second recommendation: 64 MiB, 3 passes). The test suite lowers
    # it to keep thousands of test logins fast; the code path is the same.
    password_memory_kib: int = 65536
    password_time_cost: int = 3
    login_max_failures: int = 5
    login_lockout_minutes: int = 15

    # HTTP API: requests per second per token (per worker process), and the burst allowed.
    api_rate_per_second: float = 50.0
    api_rate_burst: float = 200.0

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

    default_locale: str = "de"
    demo_logins_file: Path = PROJECT_ROOT / ".kiko" / "demo-logins.txt"

    @model_validator(mode="after")
    def _default_base_url(self) -> "Settings":
        if not self.base_url:
            self.base_url = f"http://localhost:{self.port}"
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
