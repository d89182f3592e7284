from enum import StrEnum


class GeoErrorCode(StrEnum):
    UNKNOWN_PROVINCE = "geo_unknown_province"
    UNKNOWN_UNIT = "geo_unknown_unit"
    BAD_LEGACY_ROW = "geo_bad_legacy_row"
