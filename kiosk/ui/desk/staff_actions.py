"""What a signed-in staff member does from the desk app: each action asks for
what it needs in a dialog, runs in a worker thread and reports back.

``StaffActions`` is mixed into DeskApp, which provides ``desk``, ``staff``,
``_run`` and ``_while_open``.
"""

from __future__ import annotations

from typing import Any

from kiosk.services.desk.actions import DeskError
from kiosk.services.desk.console import Desk, DeskSignIn
from kiosk.services.desk.views import AlertView, PresentView
from kiosk.services.staff import StaffMember
from kiosk.ui.desk.dialogs import OverrideDialog, SignOutDialog, VisitorDialog
from kiosk.ui.desk.lookup import LookupScreen


class StaffActions:
    """The desk actions a staff member starts from the screens."""

    desk: Desk
    staff: StaffMember | None

    def _require_staff(self) -> StaffMember:
        assert self.staff is not None, "desk actions need a signed-in staff member"
        return self.staff

    def acknowledge(self, alert: AlertView) -> None:
        staff = self._require_staff()

        def done(changed: bool) -> None:
            if not changed:
                self.notify("Already handled at another desk.", markup=False)

        self._run(lambda: self.desk.acknowledge(staff, alert.visit_id), done)

    def start_override(self, alert: AlertView) -> None:
        staff = self._require_staff()
        if not alert.identified:
            self.notify(
                "Nobody on the roster was identified: sign them in as a visitor "
                "or look them up.",
                severity="warning",
                markup=False,
            )
            return
        if not alert.overridable:
            self.notify(
                "Only the principal can override this refusal.",
                severity="error",
                markup=False,
            )
            return

        def reason_given(reason: str | None) -> None:
            if reason is None:
                return
            self._run(
                lambda: self.desk.override(staff, alert.visit_id, reason),
                lambda outcome: self.notify(
                    f"{alert.name} admitted by override. "
                    f"Badge: {outcome.badge.status}.",
                    markup=False,
                ),
            )

        self.push_screen(OverrideDialog(alert), reason_given)

    def open_lookup(self) -> None:
        self.push_screen(LookupScreen())

    def lookup(self, screen: LookupScreen, query: str) -> None:
        staff = self._require_staff()
        self._run(
            lambda: self.desk.lookup(staff, query),
            self._while_open(screen, screen.show_matches),
            self._while_open(
                screen, lambda message: screen.show_message(message, error=True)
            ),
        )

    def sign_in_person(self, screen: LookupScreen, person_id: str) -> None:
        staff = self._require_staff()

        def show(outcome: DeskSignIn) -> None:
            screen.show_sign_in(outcome)

        def failed(message: str) -> None:
            screen.show_message(message, error=True)

        self._run(
            lambda: self.desk.sign_in_person(staff, person_id),
            self._while_open(screen, show),
            self._while_open(screen, failed),
        )

    def open_visitor(self) -> None:
        self.push_screen(VisitorDialog())

    def sign_in_visitor(
        self,
        dialog: VisitorDialog,
        name: str,
        purpose: str,
        destination: str,
        confirmed: bool,
    ) -> None:
        staff = self._require_staff()

        def work_fn() -> Any:
            try:
                return self.desk.sign_in_visitor(
                    staff, name, purpose, destination, confirmed
                )
            except DeskError as exc:
                if exc.reason == "matches_roster":
                    return exc
                raise

        def done(result: Any) -> None:
            if isinstance(result, DeskError):
                if dialog in self.screen_stack:
                    dialog.needs_confirmation(name, str(result))
                return
            _visit_id, badge = result
            if dialog in self.screen_stack:
                dialog.dismiss(None)
            self.notify(f"Visitor signed in. Badge: {badge.status}.", markup=False)

        def failed(message: str) -> None:
            dialog.show_message(message, error=True)

        self._run(work_fn, done, self._while_open(dialog, failed))

    def start_sign_out(self, person: PresentView) -> None:
        staff = self._require_staff()

        def note_given(note: str | None) -> None:
            if note is None:
                return
            self._run(
                lambda: self.desk.sign_out(staff, person.visit_id, note),
                lambda method: self.notify(
                    signed_out_message(person.name, method), markup=False
                ),
            )

        self.push_screen(SignOutDialog(person), note_given)

    def reprint(self, person: PresentView) -> None:
        staff = self._require_staff()
        self._run(
            lambda: self.desk.reprint(staff, person.visit_id),
            lambda outcome: self.notify(
                f"Badge for {person.name}: {outcome.status}"
                + (f" ({outcome.error})" if outcome.error else ""),
                severity="information" if outcome.status == "printed" else "error",
                markup=False,
            ),
        )

    def review_missed(self, alert: AlertView) -> None:
        staff = self._require_staff()
        self._run(lambda: self.desk.review_missed(staff, alert.visit_id))


def signed_out_message(name: str, method: str) -> str:
    if method == "not_signed_out":
        return (
            f"{name} marked not signed out: the visit began on an earlier day, "
            "so the principal records the real time out in the review."
        )
    return f"{name} signed out."
