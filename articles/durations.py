"""Audio lengths as readers see them ("1min 2sec") and as machines read them ("PT1M2S")."""

from datetime import timedelta


def _minutes_seconds(duration: timedelta) -> tuple[int, int]:
    total = max(0, round(duration.total_seconds()))
    return divmod(total, 60)


def humanize(duration: timedelta | None) -> str:
    """The source site's style: "1min 2sec", "42sec", "3min"."""
    if duration is None:
        return ""
    minutes, seconds = _minutes_seconds(duration)
    parts = []
    if minutes:
        parts.append(f"{minutes}min")
    if seconds or not minutes:
        parts.append(f"{seconds}sec")
    return " ".join(parts)


def iso8601(duration: timedelta | None) -> str:
    """For ``<time datetime>`` and structured data: "PT1M2S"."""
    if duration is None:
        return ""
    minutes, seconds = _minutes_seconds(duration)
    return (
        "PT"
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds or not minutes else "")
    )
