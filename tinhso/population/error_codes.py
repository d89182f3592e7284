from enum import StrEnum


class PopulationErrorCode(StrEnum):
    BAD_FILE = "population_bad_file"
    BAD_ENCODING = "population_bad_encoding"
    BAD_COLUMNS = "population_bad_columns"
    ALREADY_DECIDED = "population_already_decided"
    SAME_PERSON = "population_same_person"
    MERGE_UNDONE = "population_merge_undone"
    MERGE_NOT_LAST = "population_merge_not_last"
    OUT_OF_SCOPE = "population_out_of_scope"
    NOT_FOUND = "population_not_found"
    MATCH_EMPTY = "population_match_empty"
    DEDUP_RUNNING = "population_dedup_running"
