from enum import StrEnum


class ProceduresErrorCode(StrEnum):
    UNKNOWN_PROCEDURE = "procedures_unknown"
    BAD_DEFINITION = "procedures_bad_definition"
    UNKNOWN_SECTOR = "procedures_unknown_sector"
    UNKNOWN_AGENCY = "procedures_unknown_agency"
