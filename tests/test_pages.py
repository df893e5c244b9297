"""The one paginator: where a page number lands, for lists from the database or from Python."""

from app.common.pages import page_of


def test_a_list_is_cut_into_pages_of_the_given_size():
    page = page_of(list(range(7)), 2, size=3)
    assert (page.rows, page.total, page.number, page.pages) == ([3, 4, 5], 7, 2, 3)


def test_a_number_past_the_end_gives_the_last_page():
    page = page_of(list(range(7)), 99, size=3)
    assert (page.rows, page.number) == ([6], 3)


def test_an_empty_list_is_one_empty_page():
    page = page_of([], 0, size=3)
    assert (page.rows, page.total, page.number, page.pages) == ([], 0, 1, 1)
