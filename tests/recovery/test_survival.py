"""Against the textbook worked example: Freireich et al. (1963), remission times in
weeks of 21 leukaemia patients on 6-MP and 21 on placebo, as tabulated in Kleinbaum
& Klein, Survival Analysis (chapter 2): KM estimates, medians and log-rank 16.79."""

import pytest

from recovery.survival import kaplan_meier, log_rank, quantile_time, tally

SIX_MP = tally([6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35],
               [True] * 9 + [False] * 12)  # fmt: skip
PLACEBO = tally([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23],
                [True] * 21)  # fmt: skip


def test_kaplan_meier_matches_the_published_table_for_6mp():
    steps = kaplan_meier(SIX_MP)
    assert [(s.time, s.at_risk, s.events, round(s.survival, 4)) for s in steps] == [
        (6, 21, 3, 0.8571),
        (7, 17, 1, 0.8067),
        (10, 15, 1, 0.7529),
        (13, 12, 1, 0.6902),
        (16, 11, 1, 0.6275),
        (22, 7, 1, 0.5378),
        (23, 6, 1, 0.4482),
    ]


def test_kaplan_meier_without_censoring_is_the_plain_share():
    steps = kaplan_meier(PLACEBO)
    assert [(s.time, round(s.survival, 3)) for s in steps][:5] == [
        (1, 0.905), (2, 0.810), (3, 0.762), (4, 0.667), (5, 0.571),
    ]  # fmt: skip
    assert steps[-1].survival == 0


def test_medians_and_quartiles():
    assert quantile_time(kaplan_meier(SIX_MP), 0.5) == 23
    assert quantile_time(kaplan_meier(PLACEBO), 0.5) == 8
    assert quantile_time(kaplan_meier(PLACEBO), 0.25) == 4
    assert quantile_time(kaplan_meier(PLACEBO), 0.75) == 12
    assert quantile_time(kaplan_meier(SIX_MP), 0.75) is None  # never reached


def test_log_rank_matches_the_published_chi_square():
    result = log_rank([SIX_MP, PLACEBO])
    assert round(result.chi_square, 2) == 16.79
    assert result.p_value < 0.0001


def test_identical_groups_do_not_differ():
    result = log_rank([PLACEBO, PLACEBO])
    assert result.chi_square == pytest.approx(0.0)
    assert result.p_value == pytest.approx(1.0)


def test_censored_subjects_count_until_they_leave():
    # Two resolve on day 3; one stopped logging on day 2 (censored), one still
    # unresolved on day 5 (censored): 2 of 3 at risk on day 3 resolve.
    steps = kaplan_meier(tally([3, 3, 2, 5], [True, True, False, False]))
    assert [(s.time, s.at_risk, round(s.survival, 3)) for s in steps] == [(3, 3, 0.333)]


def test_outcome_counts_give_the_same_curve_as_one_subject_at_a_time():
    counted = {(3, True): 2, (2, False): 1, (5, False): 1}
    assert kaplan_meier(counted) == kaplan_meier(
        tally([3, 3, 2, 5], [True, True, False, False])
    )


def test_log_rank_needs_two_groups():
    with pytest.raises(ValueError, match="exactly two groups"):
        log_rank([PLACEBO])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([(0, 3), (1, 3), (2, 2), (3, 1), (4, 0)], (3, True)),
        ([(0, 3), (2, 1), (3, 2), (5, 1), (6, 0)], (4, True)),  # flared up on day 3
        ([(0, 3), (1, 2), (2, 2)], (2, False)),  # stopped logging while still at 2
        ([(4, 0), (0, 1)], (0, True)),  # order does not matter
        ([], None),
    ],
)
def test_time_to_resolution_is_the_first_day_it_stays_at_1_or_less(values, expected):
    from recovery.outcomes import time_to_resolution

    assert time_to_resolution(values) == expected


def test_spread_by_day_gives_quartiles():
    from recovery.outcomes import spread_by_day

    (spread,) = spread_by_day({5: {0: 1, 1: 1, 2: 2, 3: 1}, 6: {1: 1}})
    assert (spread.day, spread.count, spread.low, spread.median, spread.high) == (
        5, 5, 1, 2, 2,
    )  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [[0, 1, 2, 2, 3], [4], [1, 1], [0, 0, 0, 4, 4, 2, 1, 3, 3, 3], list(range(11))],
)
def test_quartiles_from_counts_equal_the_standard_librarys(values):
    import statistics
    from collections import Counter

    from recovery.outcomes import spread_by_day

    spreads = spread_by_day({3: dict(Counter(values))})
    if len(values) < 2:
        assert spreads == []
    else:
        expected = statistics.quantiles(values, n=4, method="inclusive")
        assert [spreads[0].low, spreads[0].median, spreads[0].high] == pytest.approx(
            expected
        )
