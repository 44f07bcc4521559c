"""What people see, checked in the browser as it draws the page (issue 18): the state of
every control, read from computed style rather than from the HTML."""

import pytest

from talentportal.directory.services import equality_update
from tests.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The radio's indicator is the label's ::after (a dot), its ring the label's ::before.
INDICATOR = """input => {
  const label = document.querySelector(`label[for="${input.id}"]`);
  const ring = getComputedStyle(label, '::before'), dot = getComputedStyle(label, '::after');
  return {dot: dot.opacity, round: ring.borderRadius, focus: ring.boxShadow};
}"""


def test_a_saved_radio_answer_is_drawn_selected_and_a_click_moves_the_dot(contexts, make_user):
    user = make_user(email="radios@nhs.example")
    equality_update(user=user, ethnic_category="B", disability="no", sex="female")
    page = signed_in(contexts, "radios@nhs.example")
    page.goto("/profile/equality/")
    irish = page.get_by_label("White – Irish")
    british = page.get_by_label("White – British")
    drawn = irish.evaluate(INDICATOR)
    assert drawn["dot"] == "1", "the saved answer shows no selection"
    assert drawn["round"] == "50%", "a radio is drawn as a square box"
    assert british.evaluate(INDICATOR)["dot"] == "0"

    page.get_by_text("White – British", exact=True).click()
    assert british.evaluate(INDICATOR)["dot"] == "1"
    assert irish.evaluate(INDICATOR)["dot"] == "0", "two answers of one question look chosen"
    assert british.evaluate(INDICATOR)["focus"] != "none", "the chosen radio shows no focus"
