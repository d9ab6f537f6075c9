"""Settings from the environment (prefix OCOP_) and an optional .env file. Every variable is listed in README."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite+direct:///ocop-bot.db"


class ConfigError(Exception):
    """A setting that stops the start, with the variable to fix in the message."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCOP_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_SQLITE_URL
    # start-up: how long to wait for an unreachable database (retrying, one line per try) before giving up
    db_startup_wait_seconds: float = Field(default=60.0, ge=0)
    telegram_token: str = ""
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str = ""  # public HTTPS base of this bot; set = Telegram webhook mode
    webhook_secret: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    officers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    content_dir: Path | None = None
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    # Zalo Official Account (docs/zalo.md). Enabled when OCOP_ZALO_APP_ID is set.
    zalo_app_id: str = ""
    zalo_app_secret: str = ""  # the app's secret: header `secret_key` of the token refresh
    zalo_oa_secret: str = ""  # the OA secret key: signs webhook events (not the app secret)
    zalo_refresh_token: str = ""  # initial refresh token only; the database keeps the current one
    # Fernet key (urlsafe base64 of 32 bytes) the Zalo tokens are encrypted with in the database; required
    # to run Zalo (require_zalo); never logged
    zalo_token_key: str = Field(default="", repr=False)
    zalo_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    zalo_webhook_path: str = "/zalo/webhook"
    zalo_max_age: int = 300  # seconds a signed webhook timestamp stays acceptable
    zalo_max_buttons: int = 5  # buttons per template; the real maximum is UNCONFIRMED, the rest become numbered text
    # pushes (docs/pushes.md): how often the scheduler looks for due reminders and bulletins, when a
    # month's bulletin goes out by default, and how many sends the delivery worker keeps in flight
    push_tick_seconds: int = Field(default=300, ge=10)
    bulletin_day: int = Field(default=1, ge=1, le=28)
    bulletin_hour: int = Field(default=8, ge=0, le=23)
    delivery_concurrency: int = Field(default=16, ge=1, le=256)
    # How long a reply's outbox row stays leased to the process that handled its update (it sends it at
    # once); after that the delivery worker sends it, if that process died before recording it sent.
    reply_grace_seconds: float = Field(default=20.0, gt=0, le=600)
    # /healthz (docs/deployment.md): unhealthy when more outbox rows are due than this, or the oldest
    # due one has waited longer than this many minutes (quiet hours excepted)
    outbox_backlog_max: int = Field(default=5000, ge=1)
    outbox_backlog_minutes: int = Field(default=30, ge=1)
    # evidence files producers send for their dossier (issue 12, README "Evidence"): one file at most this
    # many bytes (a platform may allow less: Telegram bots download up to 20 MB), and per producer at most
    # this many bytes and files in all
    evidence_max_file_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    evidence_quota_bytes: int = Field(default=60 * 1024 * 1024, ge=1024)
    evidence_quota_files: int = Field(default=40, ge=1)
    # the officers' web console (bot/web/, README "Officers' web console"): off unless enabled; the secret
    # signs session cookies (never logged); the base URL is what sign-in links start with (the public
    # HTTPS address behind the proxy; default OCOP_WEBHOOK_URL, else http://OCOP_HTTP_HOST:OCOP_HTTP_PORT)
    web_enabled: bool = False
    web_secret: str = Field(default="", repr=False)
    web_base_url: str = ""
    web_link_minutes: int = Field(default=10, ge=1, le=60)
    web_session_hours: int = Field(default=8, ge=1, le=72)
    web_trust_forwarded: bool = False  # behind a proxy: the client address is the last X-Forwarded-For entry
    # download links (bot/file_links.py, README "The dossier ZIP"): where a platform cannot carry a file (a
    # Zalo OA sends no ZIP; a Telegram bot no file over 50 MB) the producer gets a link to the bot's own HTTP
    # server at this public HTTPS base (default OCOP_WEBHOOK_URL; empty: no links, the forms go as files),
    # valid this many minutes and for this many downloads
    public_url: str = ""
    file_link_minutes: int = Field(default=60, ge=5, le=24 * 60)
    file_link_fetches: int = Field(default=10, ge=1, le=100)

    @field_validator("officers", mode="before")
    @classmethod
    def _split_officers(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("officers")
    @classmethod
    def _officer_format(cls, value: list[str]) -> list[str]:
        for item in value:
            channel, _, user = item.partition(":")
            if not channel or not user:
                raise ValueError(f"OCOP_OFFICERS entry {item!r} must look like channel:id, e.g. telegram:123")
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("OCOP_DEFAULT_LOCALE must be vi or en")
        return value

    @property
    def telegram_webhook_path(self) -> str:
        return "/telegram/webhook"

    def officer_ids(self) -> set[tuple[str, str]]:
        return {tuple(item.split(":", 1)) for item in self.officers}  # type: ignore[misc]

    def require_telegram(self) -> None:
        """Stop the start when Telegram is enabled without what it needs, naming the variable."""
        if not self.telegram_token:
            raise ConfigError("OCOP_TELEGRAM_TOKEN is not set: get a token from @BotFather and export it.")
        if self.webhook_url and not self.webhook_secret:
            raise ConfigError(
                "OCOP_WEBHOOK_SECRET is not set: webhook mode needs a secret (1-256 characters A-Z a-z 0-9 _ -)."
            )

    def require_zalo(self) -> None:
        """Stop the start when Zalo is enabled without what it needs, naming the variable."""
        for name in ("zalo_app_secret", "zalo_oa_secret"):
            if not getattr(self, name):
                raise ConfigError(f"OCOP_{name.upper()} is not set: find it in the Zalo developer console (docs/zalo.md).")
        if self.zalo_max_buttons < 1 or self.zalo_max_age < 1:
            raise ConfigError("OCOP_ZALO_MAX_BUTTONS and OCOP_ZALO_MAX_AGE must be positive numbers.")
        from cryptography.fernet import Fernet

        if not self.zalo_token_key:
            raise ConfigError("OCOP_ZALO_TOKEN_KEY is not set: the Zalo tokens are stored encrypted with it. Make one "
                              "with `python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key()"
                              ".decode())'` and keep it with the other secrets (losing it means authorising the OA again).")
        try:
            Fernet(self.zalo_token_key.encode())
        except (ValueError, TypeError):
            raise ConfigError("OCOP_ZALO_TOKEN_KEY is not a Fernet key (44 characters of urlsafe base64).") from None

    def require_web(self) -> None:
        """Stop the start when the web console is enabled without a strong secret, naming the variable."""
        if self.web_enabled and len(self.web_secret) < 32:
            raise ConfigError("OCOP_WEB_SECRET must be at least 32 random characters when OCOP_WEB_ENABLED is set "
                              "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`).")

    @property
    def file_links_url(self) -> str:
        """Where download links start (https://bot.example.org/files), or "" when no public address is set."""
        base = self.public_url or self.webhook_url
        return base.rstrip("/") + "/files" if base else ""

    @property
    def web_url(self) -> str:
        """Where officers reach the console: https://bot.example.org/web (no trailing slash)."""
        base = self.web_base_url or self.public_url or self.webhook_url or f"http://{self.http_host}:{self.http_port}"
        return base.rstrip("/") + "/web"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
