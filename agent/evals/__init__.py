"""Golden-output evals (`zongjie eval`): the cases in evals/cases/, run offline, in replay or live, and scored."""
