"""SMS: segment counting by the GSM rules, DLT templates (complete, matched, variables within 30
characters), digest composition by priority within two segments, the outbox (idempotent, opt-out,
DND, quiet hours, alerts once) and the sender against a local gateway double (rejects, timeouts,
500s, late receipts, reruns that never double-send)."""

import datetime as dt
import re
import shutil

import pyarrow as pa
import pytest

from lake.catalog import table as lake_table
from lake import delta_io
from lake.tables import SMS_OUTBOX
from sms import digest, segments, templates
from sms.gateway import HttpGateway, TwilioGateway, from_env, GatewayConfigError
from sms.sender import poll_receipts, send_due
from tests.delivery_lake import DAY, MORNING, tiny_lake
from tests.sms_gateway_double import GatewayDouble



# --- segments ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,encoding,segs", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2), ("a" * 307, "GSM-7", 3),
    ("{" * 80, "GSM-7", 1), ("{" * 81, "GSM-7", 2),  # extension characters cost two septets
    ("a" * 152 + "€" + "a" * 8, "GSM-7", 2),  # 162 septets; the ESC pair would straddle part 1: moves whole
    ("a" * 69 + "ಕ", "UCS-2", 1), ("a" * 70 + "ಕ", "UCS-2", 2), ("ಕ" * 134, "UCS-2", 2), ("ಕ" * 135, "UCS-2", 3),
    ("a" * 67 + "😀" + "a" * 2, "UCS-2", 2),  # an emoji is two UTF-16 code units: 71
    ("a" * 66 + "😀" + "a" * 66, "UCS-2", 3),  # 134 units, but the pair straddling part 1 moves whole
    ("", "GSM-7", 0),
])
def test_segments_follow_gsm_03_38(text, encoding, segs):
    count = segments.count(text)
    assert (count.encoding, count.segments) == (encoding, segs)


def test_esc_pair_is_not_split_across_parts():
    # 152 septets, then an extension character: 154 septets would fit 2 parts if the pair could split
    # (153 + 1), and still fits two parts when it moves whole (152 | 2 + 150 more).
    assert segments.count("a" * 152 + "^" + "a" * 151).segments == 2  # 152 | 2+151=153
    assert segments.count("a" * 152 + "^" + "a" * 152).segments == 3  # 152 | 2+152=154 > 153


# --- templates -----------------------------------------------------------------------------------

def test_shipped_templates_are_complete_and_every_registered_text_is_distinct():
    assert templates.check() == []
    reg = templates.registered()
    assert len({r["template_id"] for r in reg}) == len(reg)
    assert all("{#var#}" in r["text"] and "{" not in r["text"].replace("{#var#}", "") for r in reg)


def test_a_missing_translation_fails_the_build_check(tmp_path):
    for lang in templates.LANGUAGES:
        shutil.copy(templates.TEMPLATE_DIR / f"{lang}.yaml", tmp_path)
    hi = (tmp_path / "hi.yaml").read_text(encoding="utf-8")
    hi = "\n".join(line for line in hi.splitlines() if not line.startswith("  rain_expected:"))
    (tmp_path / "hi.yaml").write_text(hi.replace("ragi: रागी, ", ""), encoding="utf-8")
    problems = templates.check(template_dir=tmp_path)
    assert any("hi: blocks ['rain_expected']" in p for p in problems)
    assert any("hi: no crop term for ['ragi']" in p for p in problems)
    (tmp_path / "kn.yaml").unlink()
    assert any("kn.yaml: no template file" in p for p in templates.check(template_dir=tmp_path))


def test_variables_over_30_characters_are_refused_and_scrubber_matching_is_exact():
    with pytest.raises(templates.RenderError, match="30"):
        templates.fill("Price at {mandi}", {"mandi": "x" * 31})
    registered = "Hasiru Mitra {#var#}: {#var#}: no irrigation needed."
    assert templates.matches(registered, "Hasiru Mitra 24/11: Maize: no irrigation needed.")
    assert not templates.matches(registered, "Hasiru Mitra 24/11: Maize: no irrigation needed!")
    assert not templates.matches(registered, "Hasiru Mitra 24/11: " + "M" * 31 + ": no irrigation needed.")
    assert digest.short("Bangalore Binny Mill Fruit and Vegetable Market") == "Bangalore Binny Mill Fruit and"


def test_compose_keeps_priority_and_drops_whole_items():
    items = [("weather_rain", {"weather": "ಅತಿ ಭಾರಿ ಮಳೆ", "date": "26/11"}), ("pest", {"threat": "ಬೆಂಕಿ ರೋಗ", "crop": "ಭತ್ತ"}),
             ("irrigate", {"crop": "ಭತ್ತ", "mm": "25"}),
             ("price", {"crop": "ಭತ್ತ", "mandi": "Mandya", "price": "2300", "lo": "2200", "hi": "2400"})]
    m = digest.compose("kn", DAY, items)
    assert m.encoding == "UCS-2" and m.segments <= 2
    assert m.blocks == ["weather_rain", "pest"] and m.dropped == ["irrigate", "price"]
    kn = templates.load("kn")
    with_next = m.text + templates.fill(kn.blocks["irrigate"], items[2][1])
    assert segments.segments(with_next) > 2  # the dropped item really did not fit
    assert m.text.endswith(templates.fill(kn.blocks["pest"], items[1][1]))  # ends on a whole block
    assert templates.matches(next(r["text"] for r in templates.registered(("kn",)) if r["template_id"] == m.template_id), m.text)


@pytest.mark.parametrize("amount,text", [(3590, "3,590"), (999, "999"), (1000, "1,000"), (125000, "1,25,000"),
                                         (12345678, "1,23,45,678"), (2339.6, "2,340"), (0, "0")])
def test_prices_are_grouped_the_indian_way(amount, text):
    assert digest.rupees(amount) == text


@pytest.mark.parametrize("amount,decimals,text", [(1234567.25, 2, "12,34,567.25"), (-125000.04, 1, "-1,25,000.0"),
                                                  (999.95, 1, "1,000.0"), (0.5, 1, "0.5")])
def test_fractions_keep_their_decimals_after_the_indian_grouping(amount, decimals, text):
    from hasiru.numbers import grouped

    assert grouped(amount, decimals) == text


def test_a_price_range_is_quoted_only_when_it_says_something():
    row = {k: None for k in ("weather_kind", "threat", "irrigation_reason")}
    row.update(price_crop="onion", mandi_name="Hubli", mandi_district="DHARWAD", price=3590)
    ts = templates.load("en")
    narrow = digest._items({**row, "lo80": 3200, "hi80": 4000}, ts)
    assert narrow == [("price", {"crop": "Onion", "mandi": "Hubli", "price": "3,590", "lo": "3,200", "hi": "4,000"})]
    wide = digest._items({**row, "lo80": 1900, "hi80": 5600}, ts)
    assert wide == [("price_only", {"crop": "Onion", "mandi": "Hubli", "price": "3,590"})]
    text = digest.compose("en", DAY, wide).text
    assert "too uncertain" in text and "1900" not in text


# --- outbox --------------------------------------------------------------------------------------

def _outbox() -> dict[str, dict]:
    return {(r["farmer_id"], r["kind"]): r for r in delta_io.read_arrow(SMS_OUTBOX).to_pylist()}


def test_queue_builds_digests_and_alerts_and_a_rerun_changes_nothing(lake_env):
    tiny_lake()
    stats = digest.queue(DAY, now=MORNING)
    box = _outbox()
    assert set(box) == {("F1", "alert"), ("F1", "digest"), ("F2", "digest"), ("F3", "digest"), ("F4", "digest"), ("F5", "digest")}
    assert stats["inserted"] == 6 and stats["nothing_to_say"] == 1  # F7 has neither advice nor crop; F6 is deleted

    f2 = box[("F2", "digest")]
    assert f2["text"] == "Hasiru Mitra 24/11: Maize: irrigate 12 mm. Maize at Mandya Rs 2,001/qtl, in 7 days Rs 1,901-2,101."
    assert (f2["encoding"], f2["segments"], f2["template_id"], f2["status"]) == ("GSM-7", 1, "HM-en-v3-D-IM", "queued")
    # scheduled for 09:00 IST of the day even though built earlier... and never in quiet hours
    assert f2["scheduled_at"] == dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.timezone.utc)

    f1 = box[("F1", "digest")]
    assert f1["language"] == "kn" and f1["encoding"] == "UCS-2" and f1["segments"] <= 2
    assert f1["blocks"].split(",")[:2] == ["weather_rain", "pest"] and "price" in f1["dropped_blocks"]
    assert "ಅತಿ ಭಾರಿ ಮಳೆ" in box[("F1", "alert")]["text"]
    # a Kannada reader gets the place in Kannada (block B1 is not in the reference: the farm's district, ಮಂಡ್ಯ),
    # never Latin letters with Kannada endings glued on
    assert "ಮಂಡ್ಯದಲ್ಲಿ" in box[("F1", "alert")]["text"]  # "in Mandya", declined as Kannada declines it
    assert not [k for k in box if box[k]["language"] == "kn" and re.search("[A-Za-z]", box[k]["text"])], box
    assert {(k, box[k]["status"], box[k]["status_reason"]) for k in [("F3", "digest"), ("F4", "digest"), ("F5", "digest")]} == {
        (("F3", "digest"), "suppressed", "opt_out"), (("F4", "digest"), "suppressed", "dnd"),
        (("F5", "digest"), "suppressed", "invalid_phone")}
    for r in box.values():
        reg = next(t["text"] for t in templates.registered() if t["template_id"] == r["template_id"])
        assert templates.matches(reg, r["text"]), r

    # the next day: not a digest day; the same alert (same storm) is not queued again
    again = digest.queue(DAY, now=MORNING + dt.timedelta(hours=1))
    nxt = digest.queue(DAY + dt.timedelta(days=1), now=MORNING + dt.timedelta(days=1))
    assert again["inserted"] == 0 and nxt["digests"] == 0
    assert delta_io.row_count(SMS_OUTBOX) == 6 + nxt["inserted"]
    assert nxt["inserted"] == 0  # the 26/11 rain seen from 25/11 is the same alert


def test_quiet_hours_push_sends_to_the_morning():
    late = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.timezone.utc)  # 21:30 IST
    assert digest.in_quiet_hours(late)
    assert digest.next_allowed(late) == dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.timezone.utc)  # 08:00 IST
    early = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.timezone.utc)  # 06:30 IST
    assert digest.next_allowed(early) == dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.timezone.utc)


# --- sender --------------------------------------------------------------------------------------

def _http(double: GatewayDouble, timeout_s: float = 5.0) -> HttpGateway:
    return HttpGateway(double.url, "test-key", "HSRMTR", "1201160000000000001", timeout_s=timeout_s)


def test_sender_sends_once_retries_transient_failures_and_records_rejections_and_receipts(lake_env):
    tiny_lake()
    digest.queue(DAY, now=MORNING)
    with GatewayDouble(reject_numbers={"919800000002"}, fail_first=1, stall_first=1, stall_s=1.0,
                       polls_until_receipt=2) as gw:
        gateway = _http(gw, timeout_s=0.5)
        assert send_due(gateway, now=MORNING - dt.timedelta(hours=3))["quiet_hours"] == 1  # 06:30 IST: nothing
        counts = send_due(gateway, now=MORNING + dt.timedelta(minutes=5), backoff_s=0.01)
        assert counts == {"due": 3, "sent": 2, "rejected": 1, "retry": 0, "failed": 0}
        box = _outbox()
        assert box[("F2", "digest")]["status"] == "rejected" and "INVALID_NUMBER" in box[("F2", "digest")]["status_reason"]
        assert box[("F1", "digest")]["attempts"] == 3  # stalled, 500, then accepted
        assert gw.sms_sent == 2 and gw.messages[box[("F1", "digest")]["provider_message_id"]]["unicode"] is True

        # a rerun sends nothing more; receipts arrive late: pending on the first poll, delivered on the second
        assert send_due(gateway, now=MORNING + dt.timedelta(minutes=10))["due"] == 0
        assert poll_receipts(gateway)["pending"] == 2
        assert poll_receipts(gateway)["delivered"] == 2
        assert {r["status"] for k, r in _outbox().items() if k[0] == "F1"} == {"delivered"}
        assert gw.sms_sent == 2


def test_a_crash_between_send_and_status_write_does_not_double_send(lake_env):
    tiny_lake()
    digest.queue(DAY, now=MORNING)
    with GatewayDouble() as gw:
        gateway = _http(gw)
        import sms.sender as sender

        def crash(rows):
            raise RuntimeError("killed before the status write")
        write = sender._write
        sender._write = crash
        try:
            with pytest.raises(RuntimeError):
                send_due(gateway, now=MORNING)
        finally:
            sender._write = write
        assert gw.sms_sent == 3 and {r["status"] for r in _outbox().values()} == {"queued", "suppressed"}
        assert send_due(gateway, now=MORNING)["sent"] == 3
        assert gw.sms_sent == 3 and sum(gw.tries.values()) == 6  # each re-posted once, answered from its key


def test_twilio_adapter_and_exhausted_retries(lake_env):
    tiny_lake()
    digest.queue(DAY, now=MORNING)
    with GatewayDouble(fail_first=100, undeliverable={"919800000002"}) as gw:
        tw = TwilioGateway(gw.url, "AC123", "token", "+15005550006")
        c = send_due(tw, now=MORNING, tries=2, backoff_s=0.0, max_attempts=4)
        assert c["retry"] == 3 and c["sent"] == 0
        assert send_due(tw, now=MORNING, tries=2, backoff_s=0.0, max_attempts=4)["failed"] == 3
        assert {r["status"] for r in _outbox().values()} == {"failed", "suppressed"}
    with GatewayDouble(undeliverable={"919800000002"}) as gw:
        tw = TwilioGateway(gw.url, "AC123", "token", "+15005550006")
        delta_io.merge(SMS_OUTBOX, pa.Table.from_pylist(
            [{**r, "status": "queued", "attempts": 0} for r in _outbox().values() if r["status"] == "failed"], schema=SMS_OUTBOX.schema))
        assert send_due(tw, now=MORNING)["sent"] == 3
        assert poll_receipts(tw) == {"asked": 3, "delivered": 2, "undelivered": 1, "pending": 0, "unknown": 0}


def test_gateway_settings_errors_name_what_is_missing():
    with pytest.raises(GatewayConfigError, match="HASIRU_SMS_GATEWAY must be one of"):
        from_env({})
    with pytest.raises(GatewayConfigError, match="HASIRU_SMS_API_KEY, HASIRU_SMS_SENDER_ID"):
        from_env({"HASIRU_SMS_GATEWAY": "http", "HASIRU_SMS_GATEWAY_URL": "http://x", "HASIRU_DLT_ENTITY_ID": "1"})


def test_the_outbox_asset_queues_through_dagster(lake_env):
    import dagster as dg

    from dagster_project.delivery.sms import sms_outbox

    tiny_lake()
    # a day that has passed is refused, saying why: its messages would arrive after the day they are about
    late = dg.materialize([sms_outbox], partition_key=str(DAY), raise_on_error=False,
                          run_config={"ops": {"delivery__sms_outbox": {"config": {"force_digests": False}}}})
    assert not late.success and delta_io.row_count(SMS_OUTBOX) == 0
    failure = next(e for e in late.all_events if e.is_step_failure).step_failure_data.error
    assert "has passed" in str(failure.cause or failure)
    # as the 07:30 IST schedule runs it on the day (what the demo run asks for)
    result = dg.materialize([sms_outbox], partition_key=str(DAY),
                            run_config={"ops": {"delivery__sms_outbox": {"config": {"force_digests": False,
                                                                                   "as_scheduled": True}}}})
    assert result.success
    meta = result.asset_materializations_for_node("delivery__sms_outbox")[0].metadata
    assert meta["digests"].value == 2 and meta["alerts"].value == 1 and meta["suppressed"].value == 3  # DAY is a Tuesday
    assert delta_io.row_count(SMS_OUTBOX) == 6


@pytest.mark.parametrize("kind,advice", [("heavy_rain", "Keep produce dry"), ("heat_wave", "Irrigate in the evening"),
                                         ("strong_wind", "Stake tall crops"), ("cold_wave", "cover the nursery")])
def test_each_hazard_carries_its_own_advice_in_every_language(kind, advice):
    from sms.weather_alerts import HAZARD

    texts = {lang: templates.load(lang).alerts[f"alert_{HAZARD[kind]}"] for lang in templates.LANGUAGES}
    assert advice in texts["en"]
    # the four hazards' alerts differ from each other in every language (no shared "keep produce dry")
    for lang in templates.LANGUAGES:
        alerts = templates.load(lang).alerts
        assert len({v for k, v in alerts.items() if k.startswith("alert_")}) == 4, lang
    row = {k: None for k in ("threat", "irrigation_reason", "price_crop")}
    items = digest._items({**row, "weather_kind": kind, "weather_date": DAY + dt.timedelta(days=1)}, templates.load("en"))
    assert items[0][0] == f"weather_{HAZARD[kind]}"


def test_nothing_is_queued_for_a_day_that_has_passed(lake_env):
    tiny_lake()
    with pytest.raises(digest.TooLate, match="has passed"):
        digest.queue(DAY, now=MORNING + dt.timedelta(days=1))
    # built late in its own day (after 21:00 IST): the digest would go out tomorrow, so it is not made
    late = digest.build(DAY, now=dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.timezone.utc))
    assert {r["kind"] for r in late.rows} == {"alert"} and late.stats["too_late"] >= 1
    # and an alert whose weather day has gone by is not sent
    after_storm = digest.build(DAY, now=dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.timezone.utc))
    assert after_storm.rows == []


def test_a_deleted_crop_plan_says_nothing(lake_env):
    """F2 deleted the maize plan on FA2 in the app: the digest no longer speaks of maize on that farm."""
    from tests.delivery_lake import _write

    tiny_lake()
    before = {r["farmer_id"]: r for r in digest._inputs(DAY).to_pylist()}
    assert before["F2"]["focus_farm_id"] == "FA2" and before["F2"]["irrigation_crop"] == "maize"
    plans = delta_io.read_arrow(lake_table("silver.app__crop_plans")).to_pylist()
    _write("silver.app__crop_plans", [{**p, "is_deleted": p["farm_id"] == "FA2"} for p in plans])
    after = {r["farmer_id"]: r for r in digest._inputs(DAY).to_pylist()}
    assert after["F2"]["focus_farm_id"] is None and after["F2"]["irrigation_crop"] is None
    assert after["F1"]["irrigation_crop"] == before["F1"]["irrigation_crop"]  # the others unchanged


def test_a_digest_speaks_of_one_farm_and_its_crop(lake_env):
    """F1 grows paddy on FA1 and ragi on a second farm with its own pest risk and irrigation advice: the
    digest picks one farm (the one whose advice is most urgent) and every line is about its crop."""
    from tests.delivery_lake import _write

    tiny_lake()
    farms = delta_io.read_arrow(lake_table("silver.app__farms")).to_pylist()
    _write("silver.app__farms", farms + [{**farms[0], "farm_id": "FA9", "area_acres": 9.0}])
    plans = delta_io.read_arrow(lake_table("silver.app__crop_plans")).to_pylist()
    _write("silver.app__crop_plans", plans + [{**plans[0], "farm_id": "FA9", "crop": "tomato", "area_acres": 9.0}])
    adv = delta_io.read_arrow(lake_table("gold.farm_advisories")).to_pylist()
    _write("gold.farm_advisories", [a for a in adv if a["farm_id"] != "FA1" or a["advisory_type"] != "irrigation"] + [
        {**adv[0], "farm_id": "FA9", "advisory_type": "pest_risk_late_blight", "severity": "medium",
         "reason_code": "LATE_BLIGHT_WEATHER", "inputs": '{"threat": "late_blight", "crop": "tomato"}'},
        {**adv[0], "farm_id": "FA9", "advisory_type": "irrigation", "severity": "medium", "reason_code": "IRRIGATE",
         "amount_mm": 30.0, "inputs": "{}"}])
    rows = {r["farmer_id"]: r for r in digest._inputs(DAY).to_pylist()}
    f1 = rows["F1"]
    # FA9 needs water now: it is the digest's farm, so pest, irrigation (and price) all speak of tomato
    assert f1["focus_farm_id"] == "FA9" and f1["pest_crop"] == f1["irrigation_crop"] == "tomato"
    assert f1["threat"] == "late_blight" and f1["price_crop"] in (None, "tomato")


def test_severe_weather_follows_the_imd_thresholds_and_the_alert_leads(lake_env):
    """One farmer per block, each block's latest forecast at one side of an IMD threshold (reference/
    imd_severe_weather.csv: heavy rain 64.5 mm, very heavy 115.6 mm, heat wave 40 C, squally wind 12.5 m/s,
    cold wave 10 C) or outside the 1-3 day leads: the digest's severe weather is exactly IMD's."""
    from tests.delivery_lake import _write

    tiny_lake()
    calm = {"rain_mm": 0.0, "temp_min_c": 20.0, "temp_max_c": 30.0, "wind_speed_m_s": 3.0}
    cases = {  # block: (what its forecast says, lead in days, the kind IMD gives it)
        "K1": ({"rain_mm": 115.6}, 2, "very_heavy_rain"), "K2": ({"rain_mm": 115.5}, 2, "heavy_rain"),
        "K3": ({"rain_mm": 64.5}, 1, "heavy_rain"), "K4": ({"rain_mm": 64.4}, 1, None),
        "K5": ({"temp_max_c": 40.0}, 3, "heat_wave"), "K6": ({"temp_max_c": 39.9}, 3, None),
        "K7": ({"wind_speed_m_s": 12.5}, 1, "strong_wind"), "K8": ({"temp_min_c": 10.0}, 1, "cold_wave"),
        "K9": ({"temp_min_c": 10.1}, 1, None),
        "K10": ({"rain_mm": 200.0}, 0, None), "K11": ({"rain_mm": 200.0}, 4, None),  # today, and beyond the leads
        # heavy rain and a heat wave on one day: the more severe (rain) is named
        "K12": ({"rain_mm": 70.0, "temp_max_c": 41.0}, 2, "heavy_rain"),
    }
    issued = dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.timezone.utc)
    _write("silver.weather__forecasts", [
        {"block_code": b, "issued_at": issued, "issued_date_ist": DAY, "forecast_date": DAY + dt.timedelta(days=lead),
         "lead_days": lead, **calm, **says} for b, (says, lead, _) in cases.items()])
    _write("silver.app__farmers", [
        {"farmer_id": f"F{b}", "phone": "+919800000001", "language": "en", "sms_opt_out": False, "is_deleted": False,
         "block_code": b, "name": b, "village": "V", "district": "MANDYA", "user_id": f"U{b}"} for b in cases])
    _write("silver.app__farms", [
        {"farm_id": f"FA{b}", "farmer_id": f"F{b}", "lat": 12.5, "lon": 76.9, "block_code": b, "area_acres": 1.0,
         "soil_type": "red_loam", "irrigation": "drip", "district": "MANDYA", "is_deleted": False} for b in cases])
    rows = {r["farmer_id"]: r for r in digest._inputs(DAY).to_pylist()}
    assert {b: rows[f"F{b}"]["weather_kind"] for b in cases} == {b: kind for b, (_, _, kind) in cases.items()}
    k1 = rows["FK1"]
    assert (k1["weather_date"], k1["weather_block"]) == (DAY + dt.timedelta(days=2), "K1")


@pytest.mark.parametrize("mandi,district,kn,en", [
    ("Belgaum", "BELAGAVI", "ಬೆಳಗಾವಿ", "Belagavi"),  # Agmarknet's old spelling: LGD's taluk (mandi_lgd_places.csv)
    ("Ranebennur", "HAVERI", "ರಾಣೆಬೆನ್ನೂರು", "Ranibennur"),
    ("Bangalore", "BENGALURU URBAN", "ಬೆಂಗಳೂರು", "Bengaluru"),
    ("Mandya", "MANDYA", "ಮಂಡ್ಯ", "Mandya"),  # the taluk of the same name, as it is
    ("Kurugodu", "BALLARI", "ಬಳ್ಳಾರಿ", "Kurugodu"),  # LGD has no Kannada name for the taluk: its district's
    ("Gonikappal", "KODAGU", "ಕೊಡಗು", "Gonikappal"),  # no taluk of that name: the district
])
def test_mandis_and_blocks_are_named_in_the_readers_script(mandi, district, kn, en):
    """Place names from the Local Government Directory (reference/karnataka_admin_names.csv)."""
    from hasiru.reference import block_place, geography, mandi_place

    assert (mandi_place(mandi, district, "kn"), mandi_place(mandi, district, "en")) == (kn, en)
    assert mandi_place(mandi, district, "hi") == en  # LGD has no Devanagari names
    # every mandi and block of the reference has a Kannada name (its own or its district's), Vijayanagar's aside
    latin = re.compile("[A-Za-z]")
    assert not [m["mandi_name"] for m in geography().mandis
                if m["district"] != "VIJAYANAGAR" and latin.search(mandi_place(m["mandi_name"], m["district"], "kn"))]
    assert not [b["block"] for b in geography().blocks
                if b["district"] != "VIJAYANAGAR" and latin.search(block_place(b["district"], b["block"], "kn"))]


@pytest.mark.parametrize("place,in_place", [
    ("ಮಂಡ್ಯ", "ಮಂಡ್ಯದಲ್ಲಿ"), ("ಹಾಸನ", "ಹಾಸನದಲ್ಲಿ"), ("ದಕ್ಷಿಣ ಕನ್ನಡ", "ದಕ್ಷಿಣ ಕನ್ನಡದಲ್ಲಿ"),  # the inherent a
    ("ಮೈಸೂರು", "ಮೈಸೂರಿನಲ್ಲಿ"), ("ಕೊಡಗು", "ಕೊಡಗಿನಲ್ಲಿ"), ("ಬೆಂಗಳೂರು", "ಬೆಂಗಳೂರಿನಲ್ಲಿ"),  # u becomes i
    ("ಬೆಳಗಾವಿ", "ಬೆಳಗಾವಿಯಲ್ಲಿ"), ("ಬಾಗಲಕೋಟೆ", "ಬಾಗಲಕೋಟೆಯಲ್ಲಿ"), ("ಯಾದಗಿರಿ", "ಯಾದಗಿರಿಯಲ್ಲಿ"),  # i and e
    ("ಬೀದರ್\u200c", "ಬೀದರ್\u200cನಲ್ಲಿ"),  # a final consonant
    ("Vijayanagar", "Vijayanagarನಲ್ಲಿ")])  # no Kannada name: as before
def test_a_kannada_alert_says_in_a_place_as_kannada_declines_it(place, in_place):
    from sms.kannada import locative

    assert locative(place) == in_place


def test_every_kannada_place_name_takes_a_locative_ending():
    """No reference place reads "ಮಂಡ್ಯನಲ್ಲಿ" (a vowel-final name with the consonant ending glued on)."""
    from hasiru.reference import rows
    from sms.kannada import VIRAMA, ZWNJ, locative

    names = {r["name_kn"] for r in rows("karnataka_admin_names.csv") if r["name_kn"]}
    assert len(names) > 150  # 186 distinct: state, districts and taluks
    for name in names:
        out = locative(name)
        assert out.endswith(("ದಲ್ಲಿ", "ಿನಲ್ಲಿ", "ಯಲ್ಲಿ", "ವಿನಲ್ಲಿ", "ನಲ್ಲಿ")) and len(out) <= len(name) + 5, (name, out)
        if out.endswith("ನಲ್ಲಿ") and not out.endswith(("ಿನಲ್ಲಿ", "ವಿನಲ್ಲಿ")):
            assert name.rstrip(ZWNJ).endswith((VIRAMA, "\u0c82")), (name, out)
