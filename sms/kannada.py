"""Kannada grammar the SMS texts need: a place in the locative case ("in Mandya": ಮಂಡ್ಯದಲ್ಲಿ).

The locative suffix -ಅಲ್ಲಿ joins a noun through an augment chosen by how the noun ends (standard Kannada
declension; F. Kittel, "A Grammar of the Kannada Language", 1903, on the case suffixes and their augments):
  - the inherent vowel a (ಮಂಡ್ಯ, ಹಾಸನ, ದಕ್ಷಿಣ ಕನ್ನಡ) or ಆ:   + ದಲ್ಲಿ    (ಮಂಡ್ಯದಲ್ಲಿ, ಹಾಸನದಲ್ಲಿ)
  - u (ಮೈಸೂರು, ಕೊಡಗು): the u becomes i, + ನಲ್ಲಿ            (ಮೈಸೂರಿನಲ್ಲಿ, ಕೊಡಗಿನಲ್ಲಿ)
  - i, ī, e, ē, ai (ಬೆಳಗಾವಿ, ಬಾಗಲಕೋಟೆ):   + ಯಲ್ಲಿ            (ಬೆಳಗಾವಿಯಲ್ಲಿ, ಬಾಗಲಕೋಟೆಯಲ್ಲಿ)
  - ū, o, ō, au:                        + ವಿನಲ್ಲಿ           (ಹೂವಿನಲ್ಲಿ-like forms)
  - a final consonant (virama, as in ಬೀದರ್‌) or anusvara:  + ನಲ್ಲಿ  (ಬೀದರ್‌ನಲ್ಲಿ)
A parenthesised aside (LGD's ಜೊಯ್ಡಾ(ಸುಪಾ)) is left out. A name not in Kannada script (a place with no
Kannada name in the reference) keeps the old form, name + ನಲ್ಲಿ.
"""

from __future__ import annotations

VIRAMA, ZWNJ, ZWJ, ANUSVARA = "\u0ccd", "\u200c", "\u200d", "\u0c82"
U = "\u0cc1"  # ು
I_LIKE = {"\u0cbf", "\u0cc0", "\u0cc6", "\u0cc7", "\u0cc8"}  # ಿ ೀ ೆ ೇ ೈ
V_LIKE = {"\u0cc2", "\u0cca", "\u0ccb", "\u0ccc"}  # ೂ ೊ ೋ ೌ
AA = "\u0cbe"  # ಾ
VOWELS_I, VOWELS_U, VOWELS_V = {"ಇ", "ಈ", "ಎ", "ಏ", "ಐ"}, {"ಉ"}, {"ಊ", "ಒ", "ಓ", "ಔ"}


def _is_kannada(ch: str) -> bool:
    return "\u0c80" <= ch <= "\u0cff"


def locative(name: str) -> str:
    """`name` + "in": ಮಂಡ್ಯ -> ಮಂಡ್ಯದಲ್ಲಿ, ಮೈಸೂರು -> ಮೈಸೂರಿನಲ್ಲಿ, ಬೆಳಗಾವಿ -> ಬೆಳಗಾವಿಯಲ್ಲಿ, ಬೀದರ್‌ -> ಬೀದರ್‌ನಲ್ಲಿ."""
    stem = name.rstrip()
    if stem.endswith(")") and "(" in stem:  # ಜೊಯ್ಡಾ(ಸುಪಾ): the place's own name takes the case, the aside is dropped
        stem = stem[:stem.rindex("(")].rstrip()
    core = stem.rstrip(ZWNJ + ZWJ)
    if not core or not _is_kannada(core[-1]):
        return f"{stem}ನಲ್ಲಿ"
    last = core[-1]
    if last in (VIRAMA, ANUSVARA):
        return f"{stem}ನಲ್ಲಿ"
    if last == U or last in VOWELS_U:
        return f"{core[:-1]}{'ಇ' if last in VOWELS_U else chr(0x0cbf)}ನಲ್ಲಿ"
    if last in I_LIKE or last in VOWELS_I:
        return f"{core}ಯಲ್ಲಿ"
    if last in V_LIKE or last in VOWELS_V:
        return f"{core}ವಿನಲ್ಲಿ"
    return f"{core}ದಲ್ಲಿ"  # the inherent a, or ಆ
