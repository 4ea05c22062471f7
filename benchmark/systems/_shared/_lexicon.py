"""Small generic word lists for the rules baseline (no names of people, places or organisations).

Only closed classes of English news vocabulary live here: reporting verbs, titles, organisation
suffixes, calendar words, continents and oceans, function words.
"""

from __future__ import annotations


def _verb_forms(spec: str) -> frozenset[str]:
    """Inflected forms from ``base/3rd/past/gerund`` groups separated by spaces.

    Example:
        >>> sorted(_verb_forms("say/says/said/saying"))
        ['said', 'say', 'saying', 'says']
    """
    return frozenset(form for group in spec.split() for form in group.split("/"))


SAY_VERBS = _verb_forms(
    """say/says/said/saying add/adds/added/adding insist/insists/insisted/insisting
    argue/argues/argued/arguing stress/stresses/stressed/stressing note/notes/noted/noting
    explain/explains/explained/explaining acknowledge/acknowledges/acknowledged/acknowledging
    admit/admits/admitted/admitting claim/claims/claimed/claiming believe/believes/believed
    think/thinks/thought emphasise/emphasises/emphasised/emphasising
    emphasize/emphasizes/emphasized/emphasizing write/writes/wrote/writing
    state/states/stated/stating maintain/maintains/maintained/maintaining
    recall/recalls/recalled/recalling"""
)
"""Verbs whose bare complement can be a reported clause: ``X said the talks failed``."""

THAT_VERBS = _verb_forms(
    """warn/warns/warned/warning assure/assures/assured/assuring announce/announces/announced
    announcing confirm/confirms/confirmed/confirming deny/denies/denied/denying
    declare/declares/declared/declaring tell/tells/told/telling predict/predicts/predicted
    promise/promises/promised/promising report/reports/reported/reporting
    reveal/reveals/revealed/revealing suggest/suggests/suggested/suggesting
    reiterate/reiterates/reiterated/reiterating remind/reminds/reminded/reminding
    caution/cautions/cautioned/cautioning concede/concedes/conceded/conceding
    complain/complains/complained/complaining estimate/estimates/estimated/estimating
    signal/signals/signalled/signaled indicate/indicates/indicated/indicating
    point/points/pointed/pointing hint/hints/hinted/hinting vow/vows/vowed/vowing
    pledge/pledges/pledged/pledging affirm/affirms/affirmed/affirming
    assert/asserts/asserted/asserting underline/underlines/underlined/underlining
    underscore/underscores/underscored/underscoring mention/mentions/mentioned/mentioning
    observe/observes/observed/observing"""
)
"""Verbs that report a clause only with ``that``: ``X warned (Y) that ...``."""

QUOTE_ONLY_VERBS = _verb_forms(
    """reply/replies/replied/replying conclude/concludes/concluded/concluding
    denounce/denounces/denounced/denouncing ask/asks/asked/asking respond/responds/responded
    responding comment/comments/commented/commenting continue/continues/continued/continuing
    urge/urges/urged/urging remark/remarks/remarked/remarking lament/laments/lamented
    joke/jokes/joked/joking tweet/tweets/tweeted/tweeting exclaim/exclaims/exclaimed
    shout/shouts/shouted whisper/whispers/whispered recount/recounts/recounted
    threaten/threatens/threatened/threatening counter/counters/countered/countering
    summarise/summarises/summarised summarize/summarizes/summarized
    repeat/repeats/repeated/repeating criticise/criticises/criticised/criticising
    criticize/criticizes/criticized/criticizing complain/complained declare/declared"""
)
"""Verbs that attribute a direct quotation but rarely introduce a bare clause."""

REPORTING_VERBS = SAY_VERBS | THAT_VERBS | QUOTE_ONLY_VERBS

SPEECH_NOUNS = frozenset(
    [
        "statement",
        "remarks",
        "comments",
        "words",
        "message",
        "notice",
        "warning",
        "interview",
        "speech",
        "tweet",
        "post",
    ]
)

PRONOUNS = frozenset(["he", "she", "they"])

CORE_TITLES = frozenset(
    [
        "president",
        "president-elect",
        "minister",
        "secretary",
        "secretary-general",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "senator",
        "sen",
        "representative",
        "rep",
        "governor",
        "gov",
        "mayor",
        "chief",
        "director",
        "ceo",
        "chairman",
        "chairwoman",
        "chair",
        "chairperson",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "commissioner",
        "judge",
        "premier",
        "general",
        "gen",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "professor",
        "lieutenant",
        "colonel",
        "captain",
        "admiral",
        "commander",
        "leader",
        "sheikh",
        "emir",
        "sultan",
        "archbishop",
        "bishop",
        "cardinal",
        "rabbi",
        "imam",
        "envoy",
        "lord",
        "lady",
        "sir",
        "dame",
        "head",
        "counterpart",
        "official",
        "officials",
        "adviser",
        "advisor",
        "aide",
        "executive",
        "founder",
        "coach",
        "manager",
        "economist",
        "analyst",
        "negotiator",
        "diplomat",
        "attorney",
        "lawyer",
        "sheriff",
        "inspector",
        "superintendent",
        "deputy",
        "vice-president",
        "vice-chancellor",
        "boss",
    ]
)
"""Head nouns of titles and functions (lowercase)."""

TITLE_MODIFIERS = frozenset(
    [
        "foreign",
        "prime",
        "vice",
        "deputy",
        "defence",
        "defense",
        "finance",
        "interior",
        "former",
        "acting",
        "first",
        "chief",
        "general",
        "state",
        "home",
        "health",
        "economy",
        "trade",
        "energy",
        "attorney",
        "top",
        "senior",
        "high",
        "supreme",
        "executive",
        "managing",
        "press",
        "military",
        "security",
        "national",
        "of",
        "the",
    ]
)
"""Words that may precede or follow a title head inside a title (``Foreign Minister``)."""

GROUP_SPEAKERS = frozenset(
    ["officials", "spokesman", "spokeswoman", "spokesperson", "sources", "diplomats", "authorities"]
)

ORG_SUFFIXES = frozenset(
    [
        "inc",
        "inc.",
        "corp",
        "corp.",
        "ltd",
        "ltd.",
        "llc",
        "plc",
        "co",
        "group",
        "company",
        "corporation",
        "council",
        "ministry",
        "organization",
        "organisation",
        "alliance",
        "union",
        "party",
        "bank",
        "agency",
        "commission",
        "committee",
        "court",
        "parliament",
        "congress",
        "senate",
        "assembly",
        "university",
        "institute",
        "association",
        "federation",
        "foundation",
        "department",
        "office",
        "forces",
        "army",
        "navy",
        "police",
        "times",
        "post",
        "news",
        "press",
        "fund",
        "board",
        "service",
        "society",
        "league",
        "club",
        "church",
        "government",
        "cabinet",
        "airlines",
        "airways",
        "motors",
        "holdings",
        "partners",
        "network",
        "network",
        "times",
        "journal",
        "tribune",
        "herald",
        "guardian",
        "telegraph",
        "review",
        "gazette",
        "media",
        "television",
        "radio",
        "broadcasting",
        "school",
        "college",
        "academy",
        "hospital",
        "centre",
        "center",
        "program",
        "programme",
        "secretariat",
        "directorate",
        "command",
        "guard",
        "brigade",
        "front",
        "movement",
        "coalition",
        "authority",
        "authorities",
        "technologies",
        "technology",
        "capital",
        "systems",
        "labs",
        "industries",
        "enterprises",
        "ventures",
        "pharmaceuticals",
        "united",
        "rovers",
        "wanderers",
        "athletic",
        "nations",
    ]
)

ORG_HEADS = frozenset(
    [
        "university",
        "ministry",
        "department",
        "bank",
        "council",
        "office",
        "institute",
        "court",
        "church",
        "board",
        "club",
        "coalition",
        "federation",
        "association",
        "league",
    ]
)

PLACE_PREFIXES = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "new",
        "saint",
        "st",
        "san",
        "santa",
        "los",
        "las",
        "upper",
        "lower",
        "great",
        "united",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
    ]
)

LOC_WORDS = frozenset(
    [
        "europe",
        "asia",
        "africa",
        "america",
        "americas",
        "antarctica",
        "oceania",
        "arctic",
        "antarctic",
        "pacific",
        "atlantic",
        "mediterranean",
        "caribbean",
        "balkans",
        "sahel",
        "sahara",
        "baltic",
        "ocean",
        "sea",
        "gulf",
        "river",
        "lake",
        "mountains",
        "valley",
        "desert",
        "island",
        "islands",
        "peninsula",
        "coast",
        "strait",
        "bay",
    ]
)
"""Continents, oceans and geographic feature words (type LOC)."""

GPE_ACRONYMS = frozenset(["US", "U.S.", "USA", "U.S.A.", "UK", "U.K.", "UAE", "U.A.E."])

PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "from",
        "to",
        "at",
        "into",
        "across",
        "near",
        "throughout",
        "outside",
        "inside",
        "toward",
        "towards",
        "via",
        "visit",
    ]
)

CONNECTORS = frozenset(
    [
        "of",
        "de",
        "del",
        "della",
        "der",
        "van",
        "von",
        "da",
        "di",
        "du",
        "la",
        "le",
        "bin",
        "al",
        "el",
        "dos",
        "das",
        "y",
    ]
)

MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])

COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "him",
        "her",
        "them",
        "us",
        "me",
        "our",
        "your",
        "their",
        "his",
        "my",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "still",
        "meanwhile",
        "instead",
        "however",
        "as",
        "at",
        "in",
        "on",
        "for",
        "with",
        "while",
        "when",
        "what",
        "who",
        "whom",
        "whose",
        "why",
        "how",
        "where",
        "there",
        "here",
        "if",
        "after",
        "before",
        "since",
        "although",
        "though",
        "because",
        "does",
        "do",
        "did",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "some",
        "many",
        "most",
        "much",
        "more",
        "less",
        "few",
        "both",
        "each",
        "every",
        "such",
        "other",
        "another",
        "just",
        "also",
        "only",
        "even",
        "now",
        "then",
        "today",
        "yesterday",
        "tomorrow",
        "last",
        "next",
        "first",
        "second",
        "finally",
        "according",
        "based",
        "sign",
        "subscribe",
        "read",
        "click",
        "share",
        "follow",
        "photo",
        "image",
        "video",
        "watch",
        "advertisement",
        "related",
        "by",
        "of",
        "to",
        "from",
        "into",
        "about",
        "over",
        "under",
        "again",
        "once",
        "than",
        "too",
        "very",
        "well",
        "let",
        "like",
        "see",
        "new",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "said",
        "says",
        "say",
        "mr",
        "mrs",
        "ms",
        "dr",
        "allies",
        "ally",
    ]
)
"""Capitalised only because they begin a sentence (lowercase compared)."""

CLAUSE_STARTERS_TO_SKIP = frozenset(
    [
        "instead",
        "however",
        "meanwhile",
        "still",
        "also",
        "moreover",
        "furthermore",
        "nevertheless",
        "nonetheless",
        "besides",
        "indeed",
        "yet",
        "so",
        "but",
        "and",
        "then",
        "thus",
        "therefore",
        "consequently",
        "finally",
    ]
)
"""Author connectors left out of an indirect quote's span."""

STOP_AFTER_SPEAKER = frozenset(
    [
        "at",
        "in",
        "on",
        "during",
        "after",
        "before",
        "to",
        "while",
        "with",
        "who",
        "when",
        "as",
        "adding",
        "according",
        "from",
        "of",
        "for",
        "about",
        "following",
        "amid",
        "ahead",
        "near",
        "over",
    ]
)
"""Words that end a speaker noun phrase after a postposed reporting verb."""

NOT_CLAUSE_START = frozenset(
    [
        "at",
        "in",
        "on",
        "to",
        "of",
        "for",
        "with",
        "during",
        "after",
        "before",
        "about",
        "against",
        "by",
        "from",
        "into",
        "over",
        "under",
        "goodbye",
        "hello",
        "thanks",
        "nothing",
    ]
)

WEB_BOILERPLATE = (
    "subscribe",
    "sign up",
    "sign in",
    "log in",
    "click here",
    "read more",
    "follow us",
    "share this",
    "advertisement",
    "author picture",
    "all rights reserved",
    "related articles",
)

ORG_NOUNS = frozenset(
    [
        "company",
        "firm",
        "group",
        "club",
        "side",
        "team",
        "bank",
        "ministry",
        "government",
        "council",
        "party",
        "union",
        "agency",
        "organisation",
        "organization",
        "coalition",
        "court",
        "board",
        "committee",
        "trust",
        "hospital",
        "department",
        "authority",
        "institute",
        "university",
        "network",
        "airline",
        "carrier",
        "retailer",
        "maker",
        "manufacturer",
        "giant",
        "lender",
        "insurer",
        "developer",
        "operator",
        "regulator",
        "association",
        "federation",
        "league",
        "body",
        "office",
        "alliance",
        "army",
        "police",
        "corporation",
        "business",
        "startup",
        "charity",
        "foundation",
        "campaign",
        "commission",
    ]
)
"""Singular common nouns that name an organisation when they head a subject (``the company``)."""
