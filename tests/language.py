"""Which words of a screen are in the wrong language (issue #20: the admin speaks the person's language).

The rule, and why it is honest:

- A Vietnamese screen fails on any word of COMMON_ENGLISH: short, everyday English words that no
  Vietnamese sentence, proper name or code contains ("Save draft", "Edit", "No results", "Status").
  Vietnamese words are made of syllables like "lưu", "bản", "nháp"; none of them is one of these
  words, so a hit is English the catalogue has not translated. Codes (NC-2026-0001, QT-VH-01), the
  product name and the names of tools (Wagtail, ISO, Excel) are not in the list, so they pass.
- An English screen fails on any word holding a letter only Vietnamese writes (ă â đ ê ô ơ ư and the
  tone-marked vowels). The demo's data is Vietnamese, so the walk in English builds its own data in
  English (titles, names, and the history's default reasons, recorded in the language the service
  runs in); then the whole visible page can be read, data cells included.
- The organisation's own names (the site's name, which is the home page's title: "Hệ thống quản lý
  chất lượng") are data, cut out as whole phrases, never as loose words; so are the languages, offered
  in their own names ("Tiếng Việt", "English").

Both checks read words, not substrings: "Bảo" does not hold "to", "NC-2026" holds no English.
"""

import re
import unicodedata

# Everyday words of Wagtail's and our own English interface. Kept to words that are never a
# Vietnamese syllable, a code or a proper name: "no", "an", "do", "con", "me", "la" are left out,
# Vietnamese writes them.
COMMON_ENGLISH = frozenset(
    """
    the and of to for with your you this that these those not is are was were has have will
    from by at or into be been there here what which who when where why how all any some other
    save edit delete add search filter filters status page pages draft live settings reports report help
    account profile notifications preferences history more actions action submit approve reject cancel
    close view create new upload download import imports export title date name names sort order
    results result showing show hide open select choose chosen none yes back next previous
    dashboard explorer documents document users user groups group workflow workflows task tasks
    comments comment lock locked unlock publish published unpublish preview revisions revision
    changes change changed updated created by owner type types language password email log logout
    welcome recent latest items item required optional details summary information info current
    found first last today yesterday ago minutes hours days since until never always enable disable
    enabled disabled message messages clear apply reset remove removed move copy add-child children
    privacy private public usage used inspect list apply aging site locked approval approved rejected
    """.split()
)

# Words the Vietnamese screens may show in English: tools and standards named as they are.
NAMES = frozenset({"wagtail", "iso", "excel", "word", "pdf", "email", "qms", "ok"})

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _has_tone_mark(word):
    """A Vietnamese tone or vowel mark on a Latin letter (à á ả ã ạ, ...), read from the decomposed form."""
    marks = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
    return any(ch in marks for ch in unicodedata.normalize("NFD", word))


def is_vietnamese(word):
    return bool(VIETNAMESE_LETTERS.search(word)) or _has_tone_mark(word)


def _words(text, data):
    """The words of `text` once the phrases of `data` (the organisation's own names, the user's data) are cut out."""
    text = unicodedata.normalize("NFC", text)
    for phrase in sorted(data, key=len, reverse=True):
        if phrase:
            text = text.replace(unicodedata.normalize("NFC", phrase), " ")
    return WORD.findall(text)


def english_words(text, allowed=(), data=()):
    """The common English words of `text`, in order, once each: what a Vietnamese screen must not show."""
    allowed = {w.lower() for w in allowed} | NAMES
    found = []
    for word in _words(text, data):
        low = word.lower().replace("’", "'").split("'")[0]
        if low in COMMON_ENGLISH and low not in allowed and low not in found:
            found.append(low)
    return found


def vietnamese_words(text, allowed=(), data=()):
    """The words of `text` written with Vietnamese letters: what an English screen must not show."""
    allowed = {w.lower() for w in allowed}
    found = []
    for word in _words(text, data):
        if is_vietnamese(word) and word.lower() not in allowed and word not in found:
            found.append(word)
    return found


# Languages are offered in their own names (Account → Preferences, the reminders' e-mail language).
LANGUAGE_NAMES = ("Tiếng Việt", "English")


def wrong_words(text, language, allowed=(), data=()):
    """The words of `text` not in `language` ("vi" or "en"), once `data` phrases and language names are cut out."""
    data = (*data, *LANGUAGE_NAMES)
    return english_words(text, allowed, data) if language == "vi" else vietnamese_words(text, allowed, data)
