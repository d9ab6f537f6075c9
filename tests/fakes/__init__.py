"""Test doubles for external services (no network needed)."""

from tests.fakes.telegram_api import ApiError, Call, FakeBotApi

__all__ = ["ApiError", "Call", "FakeBotApi"]
