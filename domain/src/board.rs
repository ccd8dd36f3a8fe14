//! The board's order: within a column, cards are shown by ascending rank, then number. A card
//! dropped between two others gets the rank halfway between theirs; at the bottom, one more
//! than the last; at the top, one less than the first. Halving runs out after about fifty drops
//! into the same gap, and then the column is renumbered 1, 2, 3, ... in its current order.

/// The smallest gap between two neighbours' ranks that a card may still be dropped into.
const MIN_GAP: f64 = 1e-9;

/// The rank for a card placed between `above` and `below` (either absent at an end of the
/// column), or `None` when the gap is too small and the column must be renumbered first.
pub fn rank_between(above: Option<f64>, below: Option<f64>) -> Option<f64> {
    match (above, below) {
        (None, None) => Some(1.0),
        (Some(above), None) => Some(above.floor() + 1.0),
        (None, Some(below)) => Some(below.ceil() - 1.0),
        (Some(above), Some(below)) => {
            let middle = above + (below - above) / 2.0;
            (below - above > MIN_GAP && middle > above && middle < below).then_some(middle)
        }
    }
}

/// Ranks for a column renumbered in the given order: 1, 2, 3, ...
pub fn renumbered(count: usize) -> impl Iterator<Item = f64> {
    (1..=count).map(|place| place as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_goes_between_its_neighbours() {
        assert_eq!(rank_between(Some(1.0), Some(2.0)), Some(1.5));
        assert_eq!(rank_between(Some(-3.0), Some(5.0)), Some(1.0));
        let rank = rank_between(Some(1.0), Some(1.5)).unwrap();
        assert!(1.0 < rank && rank < 1.5);
    }

    #[test]
    fn ends_of_the_column_step_by_whole_numbers() {
        assert_eq!(rank_between(None, None), Some(1.0));
        assert_eq!(rank_between(Some(7.25), None), Some(8.0));
        assert_eq!(rank_between(Some(7.0), None), Some(8.0));
        assert_eq!(rank_between(None, Some(3.5)), Some(3.0));
        assert_eq!(rank_between(None, Some(3.0)), Some(2.0));
    }

    #[test]
    fn dropping_into_the_same_gap_runs_out_and_asks_for_renumbering() {
        let (above, mut below) = (1.0, 2.0);
        let mut drops = 0;
        while let Some(rank) = rank_between(Some(above), Some(below)) {
            assert!(above < rank && rank < below);
            below = rank;
            drops += 1;
            assert!(drops < 100, "never ran out");
        }
        assert!(drops >= 25, "ran out after only {drops} drops");
        assert_eq!(rank_between(Some(1.0), Some(1.0)), None);
        assert_eq!(rank_between(Some(2.0), Some(1.0)), None);
    }

    #[test]
    fn renumbering_counts_from_one() {
        assert_eq!(renumbered(3).collect::<Vec<_>>(), [1.0, 2.0, 3.0]);
        assert_eq!(renumbered(0).count(), 0);
    }
}
