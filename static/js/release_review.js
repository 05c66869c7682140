// The release review list (admin, figure candidates). Accept and Reject take
// each selected row as it is on screen, unsaved corrections included
// (FigureCandidateAdmin._as_on_screen), so Django's warning that unsaved
// changes will be lost is only true of corrected rows left unselected: say
// that instead, and nothing when no correction would be lost.
"use strict";
{
    const REVIEW_ACTIONS = new Set(["accept_as_draft", "accept_and_publish", "reject"]);

    function corrected(row) {
        return Array.from(row.querySelectorAll("input, select, textarea")).some((field) => {
            if (field.classList.contains("action-select") || field.type === "hidden") {
                return false;
            }
            if (field.tagName === "SELECT") {
                return Array.from(field.options).some((o) => o.selected !== o.defaultSelected);
            }
            return field.value !== field.defaultValue;
        });
    }

    document.addEventListener("click", (event) => {
        const button = event.target.closest("#changelist-form button[name=index]");
        const action = document.querySelector("#changelist-form select[name=action]");
        if (!button || !action || !REVIEW_ACTIONS.has(action.value)) {
            return;
        }
        // Before Django's own listener on the button, which is not reached.
        event.stopPropagation();
        const lost = Array.from(document.querySelectorAll("#result_list tr.proposal-fields"))
            .filter((row) => !row.querySelector("input.action-select:checked") && corrected(row));
        if (lost.length && !window.confirm(
            `${lost.length} corrected row(s) are not selected: their corrections ` +
            "will be lost. Run the action on the selected rows anyway?"
        )) {
            event.preventDefault();
        }
    }, true);
}
