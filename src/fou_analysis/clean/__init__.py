"""Cleaning: survey instruments and scales, register harmonisation, the cleaning log."""

from fou_analysis.clean.log import CleaningLog, LogEntry

__all__ = ["CleaningLog", "LogEntry"]
