"""The admin walk's detector (tests/language.py) fails on real untranslated text and passes the right language."""

from tests.language import wrong_words


def test_an_untranslated_wagtail_string_fails_a_vietnamese_screen():
    assert wrong_words("Lưu bản nháp\nSave draft", "vi") == ["save", "draft"]
    assert wrong_words("No results found. Edit this page", "vi") == ["results", "found", "edit", "this", "page"]


def test_a_vietnamese_screen_passes_with_codes_names_and_tools():
    text = "Lưu bản nháp  NC-2026-0001  QT-VH-01  Xuất Excel  Wagtail  ISO 9001  Nguyễn Văn Lan  Tiếng Việt  English"
    assert wrong_words(text, "vi") == []


def test_a_vietnamese_string_fails_an_english_screen():
    assert wrong_words("Save draft\nLưu bản nháp", "en") == ["Lưu", "bản", "nháp"]
    # Decomposed text (as a browser may hand it over) is read as the letters it shows.
    assert wrong_words("Nha\u0309n xe\u0301t", "en") == ["Nhản", "xét"]


def test_an_english_screen_passes_its_data_and_language_names_cut_out():
    site = "Hệ thống quản lý chất lượng"
    assert wrong_words(f"{site}\nDashboard\nLanguage: Tiếng Việt", "en", data=[site]) == []
    # A data phrase is cut out whole, never its loose words.
    assert wrong_words("Hệ thống", "en", data=[site]) == ["Hệ", "thống"]
