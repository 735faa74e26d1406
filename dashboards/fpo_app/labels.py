"""Labels in English and Kannada; every page looks its words up here."""

LANGUAGES = {"English": "en", "ಕನ್ನಡ": "kn"}

LABELS = {
    "en": {
        "title": "Hasiru Mitra for FPOs", "sign_in": "Sign in", "user_id": "User id", "password": "Password",
        "bad_login": "User id or password is wrong, or this user does not manage an FPO.", "sign_out": "Sign out",
        "fpo": "FPO", "page": "Page", "overview": "Overview", "members": "Members and farms", "prices": "Prices",
        "alerts": "Alerts", "certification": "Certification", "sms": "SMS digests",
        "members_active": "Active members", "farms": "Farms", "area_acres": "Area (acres)",
        "harvest_30d": "Harvest due in 30 days (acres)", "area_by_crop": "Area by crop and season",
        "harvests_ahead": "Expected harvests, next 8 weeks", "week": "Week", "crop": "Crop", "season": "Season",
        "name": "Name", "village": "Village", "current_crop": "Current crop", "map": "Farms on the map",
        "commodity": "Commodity", "mandi": "Mandi", "price_chart": "Modal price: last 90 days and forecast (80 % interval)",
        "no_forecast": "No forecast for this commodity near the FPO yet.", "actual": "actual", "forecast": "forecast",
        "forecast_by": "Forecast by: {model}.",
        "accuracy": "On this series' last months it was {err} % closer to the price than 'same as today' (negative: further), and the band held the price {cov} % of {days} days.",
        "accuracy_unknown": "Too little history here to measure its accuracy yet.",
        "band_conformal": "The band is set from this model's own past errors.",
        "band_random_walk": "The band is a wide estimate from price volatility (too few past errors yet).",
        "models": {"naive": "today's price carried forward", "seasonal_naive": "last week's prices repeated",
                   "theta": "Theta method", "lightgbm": "machine-learning model (all mandis)",
                   "combination": "combination of models", "prophet": "Prophet"},
        "sensor_alerts": "Sensors needing attention", "advice_alerts": "High-severity advice", "weather_alerts": "Severe-weather alerts sent",
        "nothing": "Nothing to show.", "step": "Step", "applications": "Applications", "overdue": "Overdue (> 30 days at a step)",
        "days_at_step": "Days at step", "scheme": "Scheme", "sent": "Sent", "delivered": "Delivered", "queued": "Queued",
        "delivery_rate": "Delivery rate", "by_day": "Messages by day and status", "language": "Language", "status": "Status",
    },
    "kn": {
        "title": "ಎಫ್‌ಪಿಒಗಳಿಗಾಗಿ ಹಸಿರು ಮಿತ್ರ", "sign_in": "ಪ್ರವೇಶಿಸಿ", "user_id": "ಬಳಕೆದಾರ ಗುರುತು", "password": "ಪಾಸ್‌ವರ್ಡ್",
        "bad_login": "ಗುರುತು ಅಥವಾ ಪಾಸ್‌ವರ್ಡ್ ತಪ್ಪಾಗಿದೆ, ಅಥವಾ ಈ ಬಳಕೆದಾರರು ಎಫ್‌ಪಿಒ ನಿರ್ವಹಿಸುವುದಿಲ್ಲ.", "sign_out": "ನಿರ್ಗಮಿಸಿ",
        "fpo": "ಎಫ್‌ಪಿಒ", "page": "ಪುಟ", "overview": "ಸಾರಾಂಶ", "members": "ಸದಸ್ಯರು ಮತ್ತು ಹೊಲಗಳು", "prices": "ಬೆಲೆಗಳು",
        "alerts": "ಎಚ್ಚರಿಕೆಗಳು", "certification": "ಪ್ರಮಾಣೀಕರಣ", "sms": "ಎಸ್‌ಎಂಎಸ್ ಸಾರಾಂಶಗಳು",
        "members_active": "ಸಕ್ರಿಯ ಸದಸ್ಯರು", "farms": "ಹೊಲಗಳು", "area_acres": "ವಿಸ್ತೀರ್ಣ (ಎಕರೆ)",
        "harvest_30d": "30 ದಿನಗಳಲ್ಲಿ ಕೊಯ್ಲು (ಎಕರೆ)", "area_by_crop": "ಬೆಳೆ ಮತ್ತು ಹಂಗಾಮಿನ ಪ್ರಕಾರ ವಿಸ್ತೀರ್ಣ",
        "harvests_ahead": "ಮುಂದಿನ 8 ವಾರಗಳ ನಿರೀಕ್ಷಿತ ಕೊಯ್ಲು", "week": "ವಾರ", "crop": "ಬೆಳೆ", "season": "ಹಂಗಾಮು",
        "name": "ಹೆಸರು", "village": "ಗ್ರಾಮ", "current_crop": "ಈಗಿನ ಬೆಳೆ", "map": "ನಕ್ಷೆಯಲ್ಲಿ ಹೊಲಗಳು",
        "commodity": "ಸರಕು", "mandi": "ಮಂಡಿ", "price_chart": "ಮಾದರಿ ಬೆಲೆ: ಕಳೆದ 90 ದಿನಗಳು ಮತ್ತು ಮುನ್ಸೂಚನೆ (80 % ಅಂತರ)",
        "no_forecast": "ಎಫ್‌ಪಿಒ ಸಮೀಪ ಈ ಸರಕಿಗೆ ಇನ್ನೂ ಮುನ್ಸೂಚನೆ ಇಲ್ಲ.", "actual": "ವಾಸ್ತವ", "forecast": "ಮುನ್ಸೂಚನೆ",
        "forecast_by": "ಮುನ್ಸೂಚನೆ ಮಾಡಿದ್ದು: {model}.",
        "accuracy": "ಈ ಸರಣಿಯ ಕಳೆದ ತಿಂಗಳುಗಳಲ್ಲಿ ಇದು 'ಇಂದಿನ ಬೆಲೆಯೇ' ಎಂಬುದಕ್ಕಿಂತ {err} % ಹತ್ತಿರವಿತ್ತು (ಋಣ: ದೂರ), ಮತ್ತು {days} ದಿನಗಳಲ್ಲಿ {cov} % ಬೆಲೆ ಪಟ್ಟಿಯೊಳಗಿತ್ತು.",
        "accuracy_unknown": "ಇದರ ನಿಖರತೆಯನ್ನು ಅಳೆಯಲು ಇಲ್ಲಿ ಇನ್ನೂ ಸಾಕಷ್ಟು ಇತಿಹಾಸವಿಲ್ಲ.",
        "band_conformal": "ಪಟ್ಟಿಯನ್ನು ಈ ಮಾದರಿಯ ಹಿಂದಿನ ತಪ್ಪುಗಳಿಂದ ಹೊಂದಿಸಲಾಗಿದೆ.",
        "band_random_walk": "ಪಟ್ಟಿ ಬೆಲೆಯ ಏರಿಳಿತದಿಂದ ಮಾಡಿದ ವಿಶಾಲ ಅಂದಾಜು (ಹಿಂದಿನ ತಪ್ಪುಗಳು ಇನ್ನೂ ಕಡಿಮೆ).",
        "models": {"naive": "ಇಂದಿನ ಬೆಲೆಯೇ ಮುಂದುವರಿಕೆ", "seasonal_naive": "ಕಳೆದ ವಾರದ ಬೆಲೆಗಳ ಪುನರಾವರ್ತನೆ",
                   "theta": "ಥೀಟಾ ವಿಧಾನ", "lightgbm": "ಯಂತ್ರ ಕಲಿಕೆ ಮಾದರಿ (ಎಲ್ಲ ಮಂಡಿಗಳು)",
                   "combination": "ಮಾದರಿಗಳ ಸಂಯೋಜನೆ", "prophet": "ಪ್ರಾಫೆಟ್"},
        "sensor_alerts": "ಗಮನ ಬೇಕಿರುವ ಸಂವೇದಕಗಳು", "advice_alerts": "ಹೆಚ್ಚಿನ ತೀವ್ರತೆಯ ಸಲಹೆ", "weather_alerts": "ಕಳುಹಿಸಿದ ತೀವ್ರ ಹವಾಮಾನ ಎಚ್ಚರಿಕೆಗಳು",
        "nothing": "ತೋರಿಸಲು ಏನೂ ಇಲ್ಲ.", "step": "ಹಂತ", "applications": "ಅರ್ಜಿಗಳು", "overdue": "ತಡವಾದವು (ಒಂದು ಹಂತದಲ್ಲಿ 30 ದಿನಕ್ಕಿಂತ ಹೆಚ್ಚು)",
        "days_at_step": "ಹಂತದಲ್ಲಿ ದಿನಗಳು", "scheme": "ಯೋಜನೆ", "sent": "ಕಳುಹಿಸಲಾಗಿದೆ", "delivered": "ತಲುಪಿದೆ", "queued": "ಸರದಿಯಲ್ಲಿ",
        "delivery_rate": "ತಲುಪಿದ ಪ್ರಮಾಣ", "by_day": "ದಿನ ಮತ್ತು ಸ್ಥಿತಿಯ ಪ್ರಕಾರ ಸಂದೇಶಗಳು", "language": "ಭಾಷೆ", "status": "ಸ್ಥಿತಿ",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS[language]
