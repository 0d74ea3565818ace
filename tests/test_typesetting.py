"""Typesetting for printed PDFs: every script finds a face, words keep one face, right-to-left lines read right."""
import pytest

from eventhub.printing import typesetting
from eventhub.printing.typesetting import break_lines, is_rtl, markup, runs, visual_words

# One name per script that members write in; each must be printable with the vendored fonts.
NAMES = {
    "Polish": "Łódź", "German": "Straße", "Vietnamese": "Hồ Chí Minh", "Greek": "Αθήνα", "Russian": "Москва",
    "Ukrainian": "Київ", "Chinese": "北京市", "Japanese": "とうきょう東京", "Korean": "서울특별시",
    "Arabic": "الرباط", "Persian": "تهران", "Hebrew": "ירושלים", "Hindi": "दिल्ली", "Bengali": "ঢাকা",
    "Tamil": "சென்னை", "Thai": "กรุงเทพมหานคร", "Georgian": "თბილისი", "Armenian": "Երևան",
    "Amharic": "አዲስ አበባ", "Khmer": "ភ្នំពេញ", "Myanmar": "ရန်ကုန်", "Sinhala": "කොළඹ",
}


@pytest.mark.parametrize("language", NAMES)
def test_every_script_has_a_face_that_holds_its_letters(language):
    covered = dict(typesetting.coverage())
    for face, piece in runs(NAMES[language]):
        missing = [c for c in piece if not c.isspace() and ord(c) not in covered[face]]
        assert not missing, f"{language}: {missing} not in {face}"


def test_cjk_goes_to_the_cjk_face_and_latin_stays_in_sans():
    assert runs("Tokyo 東京") == [("Sans", "Tokyo "), ("CJK", "東京")]


def test_brackets_and_punctuation_stay_with_the_word_they_belong_to():
    # HarfBuzz shapes a word in the face of its first piece: "(" in another face would lose the letters.
    assert runs("(القاهرة), Cairo") == [("Sans", "(القاهرة), Cairo")]
    assert runs("（東京）") == [("CJK", "（東京）")]


def test_markup_escapes_what_people_type():
    assert markup("R&D <b>") == '<font face="EH-Sans">R&amp;D &lt;b&gt;</font>'
    assert 'face="EH-CJK-Bold"' in markup("東京", bold=True)


def test_only_text_without_left_to_right_letters_reads_from_the_right():
    assert is_rtl("ورشة عمل 2027")
    assert is_rtl("שלום")
    assert not is_rtl("زينب شيخ, Director of Environment")
    assert not is_rtl("Tokyo 2027")


def test_right_to_left_words_stand_in_reverse_order_each_in_reading_order():
    # Reading right to left: مدينة الرباط الكبرى; on the page, left to right, the last word comes first.
    assert visual_words("مدينة الرباط الكبرى", rtl=True) == ["الكبرى", "الرباط", "مدينة"]


def test_numbers_stay_left_to_right_inside_arabic():
    assert visual_words("مؤتمر 2027", rtl=True) == ["2027", "مؤتمر"]


def test_a_mixed_line_keeps_the_page_direction_with_the_arabic_name_in_place():
    # On the page: "شيخ" then "زينب," then "Director"; the middle word is handed to HarfBuzz
    # reversed, which sets it right to left and so puts the comma back after the name.
    assert visual_words("زينب شيخ, Director", rtl=False) == ["شيخ", ",زينب", "Director"]


def test_brackets_around_arabic_are_handed_to_harfbuzz_so_that_it_mirrors_them_right():
    # HarfBuzz mirrors brackets in an RTL word; in an LTR line they must come out as typed.
    assert visual_words("(القاهرة) Cairo", rtl=False) == ["(القاهرة)", "Cairo"]
    assert visual_words("(الرباط) 2027", rtl=True) == ["2027", "(الرباط)"]


def test_lines_break_in_reading_order_and_keep_every_word():
    text = "ورشة عمل حول التمويل الأخضر للمدن والحكومات المحلية في منطقة الشرق الأوسط"
    lines = break_lines(text, 120, 10)
    assert len(lines) > 2
    assert " ".join(lines) == text
    assert all(typesetting.width(line, 10) <= 120 for line in lines if " " in line)


def test_right_to_left_paragraph_aligns_right_and_shapes():
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle("t", fontName="EH-Sans", fontSize=10, leading=12)
    typesetting.coverage()
    flowable = typesetting.paragraph("ورشة عمل حول التمويل الأخضر للمدن", style)
    width, height = flowable.wrap(80, 500)
    assert height > 12  # broken into lines at the offered width
    assert flowable.inner.style.alignment == TA_RIGHT and flowable.inner.style.shaping
