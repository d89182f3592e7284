"""An SMS sender for the fault run: appends each message to FAULTS_SMS_FILE (one
line, fsynced), so the run can count what was sent, and how many times."""

import os


class FileSms:
    def send(self, *, phone: str, text: str) -> None:
        line = f"{phone}\t{text}\n".encode()
        fd = os.open(os.environ["FAULTS_SMS_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
