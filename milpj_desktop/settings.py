"""User settings (Paramètres), kept inside the encrypted store as JSON values."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Settings(BaseModel):
    """Everything Paramètres shows; other features add their fields here with a default."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    structure_name: str = ""
    professional_name: str = ""
    professional_phone: str = ""
    professional_email: str = ""
    auto_lock_minutes: int = Field(default=10, ge=1, le=240)
    large_print_default: bool = False
    server_url: str = ""
    device_token: str = ""
    departements: list[str] = Field(default_factory=list)
    ca_bundle: str = ""
    proxy: str = ""
    sync_automatic: bool = True  # at start and when the connection comes back


def load_settings(conn: Any) -> Settings:
    """Read the stored values over the defaults; an unreadable value falls back to its default."""
    values: dict[str, Any] = {}
    for key, raw in conn.execute("SELECT key, value FROM setting"):
        if key in Settings.model_fields:
            try:
                values[key] = json.loads(raw)
            except json.JSONDecodeError:
                continue
    try:
        return Settings.model_validate(values)
    except ValidationError:
        good = {}
        for key, value in values.items():
            try:
                Settings.model_validate({key: value})
            except ValidationError:
                continue
            good[key] = value
        return Settings.model_validate(good)


def save_settings(conn: Any, settings: Settings) -> None:
    """Write every field; the caller owns the transaction."""
    for key, value in settings.model_dump(mode="json").items():
        conn.execute(
            "INSERT INTO setting(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
