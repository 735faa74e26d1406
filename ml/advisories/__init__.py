"""Farm advisories: each row carries farm, date, type, severity, reason code, the inputs used and the model version."""


def reason_codes() -> set[str]:
    """Every reason code an advisory can carry (the FPO app has words for each: dashboards/fpo_app/labels.py)."""
    from ml.advisories import crop_suitability, fertilizer, irrigation, pest_model, pest_risk

    return {*irrigation.REASONS, *crop_suitability.REASONS, pest_model.REASON,
            *(rule[0] for rule in fertilizer.RULES), *(t.reason_code for t in pest_risk.THREATS)}
