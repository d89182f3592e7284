"""What the model compares and which pairs it looks at: the SQL predicates for
names, the five comparisons (name, date of birth, personal ID, contact, sex), the
blocking rules and Splink's settings built from them.

Blocking never rests on the surname alone, and several rules run so that a
duplicate sharing no single key with its twin record is still compared (ID, ID tail
+ year, phone, given name + date, name + year, ward + date…).
"""

from __future__ import annotations

import functools

# A different personal ID of the same kind (not one typo away) is another person,
# but for a rare keying error: fixed, not left to EM, which would learn it from the
# twins and namesakes that the other blockings bring in.
PID_DIFFERS_M = 0.001
SEX_DIFFERS_M = 0.002
# A place or an ethnicity that differs between two records of one person: learned,
# but never below these (data written without such faults would teach "never", and
# one difference would then outweigh everything else). Real records differ now and
# then: the place of birth written for the place of registration, a hometown taken
# from the father's or written at another level, an ethnicity keyed wrong. Learned,
# because data whose IDs do not follow the birth place teach that they differ.
PLACE_DIFFERS_M = {"birth_place": 0.02, "hometown": 0.05, "ethnicity": 0.01}
# The columns whose agreement counts by how common the value is (Splink's term
# frequency adjustment): the same rare name, province or ethnicity says more than
# the same common one ("Nguyễn Văn Anh", Kinh, this province). Not the parents'
# names: a small file (a commune's list of families) makes each of them look
# common, and a shared parent is the evidence that tells namesakes apart there.
TF_COLUMNS = ("name_sig", "name_folded", "birth_place", "hometown", "ethnicity")


def _typo(a: str, b: str) -> str:
    """SQL: a keying slip, two letters swapped, one dropped or doubled. A letter
    *changed* is not one: Hương, Dương, Lương, Cương are different names."""
    return (
        f"((length({a}) <> length({b}) AND levenshtein({a}, {b}) = 1) OR "
        f"(length({a}) = length({b}) AND damerau_levenshtein({a}, {b}) = 1 "
        f"AND levenshtein({a}, {b}) = 2))"
    )


# SQL: the given names can be one letter's slip apart, unless both are common given
# names (`prepare.mark_common_given`): Lan and Loan, Tâm and Trâm are two names.
_GIVEN_TYPO = (
    f"({_typo('given_fold_l', 'given_fold_r')} "
    "AND NOT coalesce(given_common_l AND given_common_r, false))"
)
# SQL: the given names can be one. Written with accents on both sides, the tone and
# vowel marks must agree (Thu ≠ Thư, Hoa ≠ Hòa, Long ≠ Lương); otherwise the folded
# phonetic keys are compared. Lengths and distances are on ASCII (folded) text, so
# DuckDB and Spark count the same.
SAME_GIVEN = (
    "(((given_sig_l IS NOT NULL AND given_sig_r IS NOT NULL) AND (given_sig_l = given_sig_r OR ("
    + _GIVEN_TYPO
    + " AND given_marks_l = given_marks_r))) OR ((given_sig_l IS NULL OR given_sig_r IS NULL) "
    "AND (given_key_l = given_key_r OR " + _GIVEN_TYPO + ")))"
)
# SQL: the same syllables in another order (a given name written first).
SAME_SYLLABLES = (
    "((unordered_sig_l IS NOT NULL AND unordered_sig_r IS NOT NULL AND "
    "unordered_sig_l = unordered_sig_r) OR ((unordered_sig_l IS NULL OR unordered_sig_r IS NULL) "
    "AND name_unordered_l = name_unordered_r))"
)
SAME_NAME = f"({SAME_GIVEN} OR {SAME_SYLLABLES})"
# SQL: the birth dates can be one (a slip apart, or one of them partial or missing).
DOB_AGREES = (
    "(yob_l IS NULL OR yob_r IS NULL OR coalesce(dob_full_l = dob_full_r "
    "OR dob_unordered_l = dob_unordered_r OR damerau_levenshtein(dob_full_l, dob_full_r) <= 1 "
    "OR (yob_l = yob_r AND (dob_full_l IS NULL OR dob_full_r IS NULL)), false))"
)
# SQL: two members of one family rather than one person: another given name or
# another birth date. What a family shares (a phone, an address, the parents, the
# places, the ethnicity) then weighs little: `training` holds its weight between
# nothing and the whole agreement's. (Not "and another personal ID": EM learns the
# m of these comparisons on pairs with the same ID, so they must not read it.)
FAMILY = f"NOT coalesce(({SAME_NAME}) AND {DOB_AGREES}, true)"
_SAME_WARD = "(ward_l = ward_r OR ward_l IS NULL OR ward_r IS NULL)"
_PHONES_DIFFER = "(phone_l IS NOT NULL AND phone_r IS NOT NULL AND phone_l <> phone_r)"


def _comparisons():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return [
        _name_comparison(cl, cll),
        _dob_comparison(cl, cll),
        _pid_comparison(cl, cll),
        _contact_comparison(cl, cll),
        _sex_comparison(cl, cll),
        _parent_comparison(cl, cll, "father", "tên cha"),
        _parent_comparison(cl, cll, "mother", "tên mẹ"),
        _place_comparison(cl, cll, "birth_place", "nơi đăng ký khai sinh"),
        _place_comparison(cl, cll, "hometown", "quê quán"),
        _place_comparison(cl, cll, "ethnicity", "dân tộc"),
    ]


def _parent_comparison(cl, cll, parent: str, description: str):
    """A parent's name, with the person's own name handling: accents, the order-free
    phonetic key (confusions, a name written given-name-first, Thị/Văn), surname and
    given name with another middle. A missing value says nothing.

    Siblings and twins share their parents: each agreement with another given name
    is a level of its own, right before the agreement it splits (`training` gives
    the whole agreement the u of both, so that strangers sharing a parent's name are
    counted at every level, whatever their own names)."""
    c = lambda x: f"{parent}_{x}"  # noqa: E731
    agreements = (
        (f"{c('sig')}_l = {c('sig')}_r", "same name, accents and all"),
        (
            f"({c('folded')}_l = {c('folded')}_r OR {c('unordered')}_l = {c('unordered')}_r)",
            "same name up to accents, order and phonetic confusions",
        ),
        (
            f"({c('surname')}_l = {c('surname')}_r AND {c('given')}_l = {c('given')}_r)",
            "same surname and given name, middle names differ",
        ),
    )
    levels = [cll.NullLevel(c("folded"))]
    for sql, label in agreements:
        levels.append(
            cll.CustomLevel(f"{sql} AND {FAMILY}").configure(
                label_for_charts=f"{label}, another given name or birth date (sibling?)"
            )
        )
        levels.append(cll.CustomLevel(sql).configure(label_for_charts=label))
    levels += [
        cll.JaroWinklerLevel(c("folded"), 0.9).configure(label_for_charts="similar"),
        cll.ElseLevel().configure(label_for_charts="another name"),
    ]
    return cl.CustomComparison(
        output_column_name=parent, comparison_description=description, comparison_levels=levels
    )


def _place_comparison(cl, cll, column: str, description: str):
    """A place (code or text) or an ethnicity: the same, or not. A code and a text
    are not compared (two ways of writing, not a disagreement). A record without a
    birth place but with a 12-digit ID is compared by the ID's province (`prepare`):
    a health record's ID against a birth certificate's place. The same value counts
    by how rare it is; another value weighs against, never as proof."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.CustomLevel(
                f"{column}_l IS NULL OR {column}_r IS NULL "
                f"OR left({column}_l, 2) <> left({column}_r, 2)",
                label_for_charts="missing, or a code against a text",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"{column}_l = {column}_r AND {FAMILY}",
                label_for_charts="same, another given name or birth date (family?)",
            ),
            cll.ExactMatchLevel(column).configure(
                label_for_charts="same", tf_adjustment_column=column
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _name_comparison(cl, cll):
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="họ tên",
        comparison_levels=[
            cll.NullLevel("name_folded"),
            cll.ExactMatchLevel("name_sig").configure(
                tf_adjustment_column="name_sig", label_for_charts="same name, accents and all"
            ),
            cll.CustomLevel(
                "name_folded_l = name_folded_r AND (name_sig_l IS NULL OR name_sig_r IS NULL)",
                label_for_charts="same letters, one written without accents",
            ).configure(tf_adjustment_column="name_folded", disable_tf_exact_match_detection=True),
            cll.CustomLevel(
                SAME_SYLLABLES,
                label_for_charts="same syllables up to order and phonetic confusions",
            ),
            cll.CustomLevel(
                f"surname_key_l = surname_key_r AND {SAME_GIVEN}",
                label_for_charts="same surname and given name, middle names differ",
            ),
            cll.And(
                cll.CustomLevel(SAME_GIVEN), cll.JaroWinklerLevel("name_folded", 0.88)
            ).configure(label_for_charts="same given name, the rest similar"),
            cll.CustomLevel(SAME_GIVEN, label_for_charts="same given name"),
            cll.ElseLevel(),
        ],
    )


def _dob_comparison(cl, cll):
    # Members of one household share a phone and an address, twins a birth date:
    # agreement there with another given name is a level of its own.
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="ngày sinh",
        comparison_levels=[
            cll.NullLevel("yob"),
            cll.CustomLevel(
                f"dob_full_l = dob_full_r AND NOT {SAME_NAME}",
                label_for_charts="same date, another given name (twins?)",
            ),
            cll.ExactMatchLevel("dob_full").configure(label_for_charts="same date"),
            cll.CustomLevel(
                "yob_l = yob_r AND (dob_full_l IS NULL OR dob_full_r IS NULL) "
                "AND (mob_l IS NULL OR mob_r IS NULL OR mob_l = mob_r)",
                label_for_charts="consistent at the coarser precision (year, month)",
            ),
            cll.ExactMatchLevel("dob_unordered").configure(
                label_for_charts="day and month swapped"
            ),
            cll.DamerauLevenshteinLevel("dob_full", 1).configure(
                label_for_charts="one digit apart"
            ),
            cll.CustomLevel("yob_l = yob_r", label_for_charts="same year"),
            cll.ElseLevel(),
        ],
    )


def _contact_comparison(cl, cll):
    # Where and how to reach them: a household shares a phone and an address, so
    # the two are one comparison (counted apart, a household member with the same
    # given name would look like the person twice over). Each agreement with
    # another given name has a level of its own.
    same_address = f"(address_key_l = address_key_r AND {_SAME_WARD})"
    return cl.CustomComparison(
        output_column_name="contact",
        comparison_description="điện thoại, nơi ở",
        comparison_levels=[
            cll.CustomLevel(
                "(phone_l IS NULL OR phone_r IS NULL) AND (ward_l IS NULL OR ward_r IS NULL) "
                "AND (address_key_l IS NULL OR address_key_r IS NULL)",
                label_for_charts="missing",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"phone_l = phone_r AND {same_address} AND {FAMILY}",
                label_for_charts="same phone and address, another given name or birth date (household?)",
            ),
            cll.CustomLevel(
                f"phone_l = phone_r AND {same_address}", label_for_charts="same phone and address"
            ),
            cll.CustomLevel(
                f"phone_l = phone_r AND {FAMILY}",
                label_for_charts="same phone, another given name or birth date (household?)",
            ),
            cll.CustomLevel("phone_l = phone_r", label_for_charts="same phone"),
            cll.CustomLevel(
                f"{same_address} AND {FAMILY}",
                label_for_charts="same address, another given name or birth date (household?)",
            ),
            cll.CustomLevel(same_address, label_for_charts="same address"),
            # Apart from that, two numbers that differ say much more than a number
            # missing: a person keeps a phone far more often than a stranger shares
            # one, while a record without a number says nothing either way.
            cll.CustomLevel(
                f"ward_l = ward_r AND {_PHONES_DIFFER}", label_for_charts="same ward, another phone"
            ),
            cll.CustomLevel("ward_l = ward_r", label_for_charts="same ward"),
            cll.CustomLevel(_PHONES_DIFFER, label_for_charts="elsewhere, another phone"),
            cll.ElseLevel().configure(label_for_charts="elsewhere, no phone to compare"),
        ],
    )


def _pid_comparison(cl, cll):
    return cl.CustomComparison(
        output_column_name="pid",
        comparison_description="số định danh",
        comparison_levels=[
            cll.CustomLevel(
                "pid_l IS NULL OR pid_r IS NULL OR pid_kind_l <> pid_kind_r",
                label_for_charts="missing, or one is the old 9-digit card",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("pid"),
            cll.DamerauLevenshteinLevel("pid", 1).configure(
                label_for_charts="one digit wrong or two swapped"
            ),
            cll.ElseLevel().configure(m_probability=PID_DIFFERS_M, fix_m_probability=True),
        ],
    )


def _sex_comparison(cl, cll):
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="giới tính",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex"),
            # a slip of the pen happens: never let it weigh like proof
            cll.ElseLevel().configure(m_probability=SEX_DIFFERS_M, fix_m_probability=True),
        ],
    )


def blocking_rules():
    """Several narrow keys, none of them the surname alone (38% of people are Nguyễn).
    The wide ones (a name in a ward or a year, an address) only bring in the pairs
    the narrow ones cannot: a date missing, partial or one digit apart; a name with a
    slip in it."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    date_unsure = (
        "(l.dob_full IS NULL OR r.dob_full IS NULL "
        "OR damerau_levenshtein(l.dob_full, r.dob_full) <= 1)"
    )
    return [
        block_on("pid"),
        block_on("pid_tail", "yob"),
        block_on("phone"),
        block_on("given_key", "dob_unordered"),
        block_on("ward", "dob_full"),
        block_on("surname_key", "middle_key", "dob_unordered"),
        # a record whose date is unreadable or missing, moved elsewhere, without the
        # same ID: the parents' names can still bring it to its twin record
        block_on("name_unordered", "father_unordered"),
        block_on("name_unordered", "mother_unordered"),
        CustomRule(
            f"l.name_unordered = r.name_unordered AND l.yob = r.yob AND {date_unsure}",
            sql_dialect="duckdb",
        ),
        CustomRule(
            "l.name_unordered = r.name_unordered AND l.ward = r.ward "
            "AND (l.yob IS NULL OR r.yob IS NULL)",
            sql_dialect="duckdb",
        ),
        CustomRule(
            "l.address_key = r.address_key AND l.ward = r.ward "
            f"AND levenshtein(l.given_fold, r.given_fold) <= 2 AND {date_unsure}",
            sql_dialect="duckdb",
        ),
    ]


def settings(*, rules=None):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=rules or blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=15,
        em_convergence=0.001,
    )


def description(comparison: dict) -> str:
    """A saved comparison's name for people ("họ tên", "ngày sinh"…). Splink's
    CustomComparison saves its class name, not the description it was given (4.0
    and 5.0 alike), so the name is looked up by the comparison's output column."""
    saved = comparison.get("comparison_description")
    if saved and saved != "CustomComparison":
        return saved
    name = comparison["output_column_name"]
    return _descriptions().get(name) or name


@functools.cache
def _descriptions() -> dict[str, str]:
    return {c.create_output_column_name(): c._description for c in _comparisons()}
