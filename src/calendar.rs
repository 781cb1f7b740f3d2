//! The calendar: month and weekday names, read from the packs' `pack.toml` (`[calendar]`), and
//! the civil date arithmetic the date checks need (days in a month, the weekday of a date).
//!
//! Dates are proleptic Gregorian; weekdays count from Monday (0) to Sunday (6).

/// Month and weekday names as the packs give them.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    /// The twelve month names, January first.
    pub months: Vec<String>,
    /// For each month, its abbreviations (`Sept.`, `Sep.`), possibly none.
    pub month_abbreviations: Vec<Vec<String>>,
    /// The seven weekday names, Monday first.
    pub weekdays: Vec<String>,
    /// For each weekday, its abbreviations (`Wed.`, `Thurs.`), possibly none.
    pub weekday_abbreviations: Vec<Vec<String>>,
}

impl Calendar {
    /// Whether the packs gave a whole calendar (twelve months and seven weekdays).
    pub fn is_complete(&self) -> bool {
        self.months.len() == 12 && self.weekdays.len() == 7
    }

    /// The month (1 to 12) a name or abbreviation stands for; an abbreviation may omit its
    /// full stop.
    pub fn month(&self, word: &str) -> Option<u32> {
        let bare = word.trim_end_matches('.');
        let index = self.months.iter().position(|m| m == word).or_else(|| {
            self.month_abbreviations
                .iter()
                .position(|forms| forms.iter().any(|f| f == word || f.trim_end_matches('.') == bare))
        })?;
        u32::try_from(index + 1).ok()
    }

    /// The weekday (0 for Monday) a name or abbreviation stands for.
    pub fn weekday(&self, word: &str) -> Option<u32> {
        let index = self.weekdays.iter().position(|w| w == word).or_else(|| {
            self.weekday_abbreviations.iter().position(|forms| forms.iter().any(|f| f == word))
        })?;
        u32::try_from(index).ok()
    }
}

/// Whether a year is a leap year.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month (1 to 12); February has 29 when the year is unknown.
pub fn days_in_month(month: u32, year: Option<i64>) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_some_and(|y| !is_leap(y)) => 28,
        2 => 29,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The weekday of a civil date: 0 for Monday to 6 for Sunday.
pub fn weekday_of(year: i64, month: u32, day: u32) -> u32 {
    // 1970-01-01 was a Thursday (3).
    u32::try_from((days_from_civil(year, month, day) + 3).rem_euclid(7)).expect("0 to 6")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_of_known_dates() {
        assert_eq!(weekday_of(2023, 2, 6), 0, "Feb. 6, 2023 was a Monday");
        assert_eq!(weekday_of(2020, 10, 3), 5, "Oct. 3, 2020 was a Saturday");
        assert_eq!(weekday_of(1970, 1, 1), 3);
        assert_eq!(weekday_of(2000, 2, 29), 1, "a Tuesday");
        assert_eq!(weekday_of(1900, 3, 1), 3);
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2, Some(2023)), 28);
        assert_eq!(days_in_month(2, Some(2024)), 29);
        assert_eq!(days_in_month(2, Some(1900)), 28);
        assert_eq!(days_in_month(2, Some(2000)), 29);
        assert_eq!(days_in_month(2, None), 29);
        assert_eq!(days_in_month(6, None), 30);
        assert_eq!(days_in_month(12, None), 31);
    }

    #[test]
    fn names_and_abbreviations() {
        let calendar = Calendar {
            months: [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
            .map(String::from)
            .to_vec(),
            month_abbreviations: vec![
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec!["Sept.".into(), "Sep.".into()],
                vec![],
                vec![],
                vec![],
            ],
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
                .map(String::from)
                .to_vec(),
            weekday_abbreviations: vec![
                vec![],
                vec![],
                vec!["Wed.".into()],
                vec!["Thurs.".into()],
                vec![],
                vec![],
                vec![],
            ],
        };
        assert_eq!(calendar.weekday("Wednesday"), Some(2));
        assert_eq!(calendar.weekday("Wed."), Some(2));
        assert_eq!(calendar.weekday("Thurs."), Some(3));
        assert_eq!(calendar.weekday("Wed"), None, "an abbreviation is written as listed");
        assert_eq!(calendar.month("September"), Some(9));
        assert_eq!(calendar.month("Sept."), Some(9));
        assert_eq!(calendar.month("Sept"), Some(9));
        assert_eq!(calendar.month("Sep"), Some(9));
        assert_eq!(calendar.month("Septemb"), None);
    }
}
