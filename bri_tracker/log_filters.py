"""Logging filters named in settings.LOGGING (a module of its own: logging is
configured before the apps are loaded)."""

import logging


class OneLineWarning(logging.Filter):
    """Logs a record as a WARNING without its traceback: for requests that
    are refused as expected (a bad Host header), where a traceback is noise."""

    def filter(self, record):
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
