# Vietnamese administrative documents write dates day/month/year with slashes (13/12/2026), as the
# Excel registers do; Django's own Vietnamese short format uses dashes and puts the time first.
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
# A date shown without a format (a register column, `{{ day }}`) takes the same short form, so that
# no page sets a long date beside a short one ("July 8, 2026" next to "2027-07-08").
DATE_FORMAT = SHORT_DATE_FORMAT
DATETIME_FORMAT = SHORT_DATETIME_FORMAT
