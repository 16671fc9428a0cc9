# Django's Japanese formats with a space before the time and two-digit hours, as
# clinics print them: "2026年11月25日 20:00", "11月25日 08:30", "2026/11/25".
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
