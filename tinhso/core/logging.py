"""Log filters: never a full personal ID in a log line; every line carries the request id."""

from __future__ import annotations

import logging

from tinhso.core.identity import mask_ids_in_text

from . import context


class MaskPersonalIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: leave it to the formatter
            return True
        masked = mask_ids_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id if context._current.get() else "-"
        return True
