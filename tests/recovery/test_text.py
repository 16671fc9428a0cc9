from recovery.text import join_sentences


def test_sentences_join_with_a_space_in_english_and_none_after_a_japanese_full_stop():
    assert join_sentences("Red today.", "Most people are pink.") == (
        "Red today. Most people are pink."
    )
    assert join_sentences("今日の赤みは「赤い」です。", "2日目には多くの方が…") == (
        "今日の赤みは「赤い」です。2日目には多くの方が…"
    )
    assert join_sentences("", "Only this.") == "Only this."
