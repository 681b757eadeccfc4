"""Phrase banks for the sample's comments: fragments per Thing That Matters × tone, composed by ``_comments``.

Each core is one sentence starting in lower case (the composer capitalises it or puts an opener in front).
``{other}`` is the other party, by name or as "the client" / "the supplier". The words of the planted theme
(handover, onboarding, new starters, induction, turnover) appear in :data:`THEME` only.
"""

from __future__ import annotations

__all__ = ["CORES", "OPENERS", "TAILS", "CHANGE", "CHANGE_OPENERS", "LITTLE_WORKS", "LITTLE_TO_CHANGE"]

NEG, NEU, POS = "negative", "neutral", "positive"

CORES: dict[str, dict[str, tuple[str, ...]]] = {
    "trust": {
        NEG: (
            "people on both sides still hold back bad news until it is too late.",
            "{other} tells us what we want to hear rather than what is really happening.",
            "there is a lot of blame when something goes wrong, so problems get hidden.",
            "we check everything {other} sends us because we no longer take it at face value.",
            "promises made in meetings are rarely kept, so trust has worn thin.",
            "conversations with {other} feel guarded and political.",
        ),
        NEU: (
            "trust is fine at working level but less so higher up.",
            "we get on with {other} most of the time, though difficult news still travels slowly.",
            "openness depends on the individual rather than on the relationship.",
            "there is goodwill with {other}, but it has not been tested by a real crisis yet.",
            "some teams share problems early and others do not.",
        ),
        POS: (
            "{other} is open about problems and raises them early.",
            "we can have a frank conversation with {other} without it turning into blame.",
            "when something goes wrong both sides own it and fix it together.",
            "people keep their word, and that has built real trust.",
            "{other} shares bad news as readily as good news.",
        ),
    },
    "responsiveness": {
        NEG: (
            "getting an answer from {other} takes far too long.",
            "escalations sit in a queue for days before anyone picks them up.",
            "we chase the same requests again and again before anything happens.",
            "urgent issues are treated like routine tickets.",
            "out of hours there is effectively nobody to call.",
            "requests bounce between teams and nobody takes ownership.",
        ),
        NEU: (
            "routine requests are handled well, but anything unusual is slow.",
            "response times are acceptable once you know who to ask.",
            "{other} usually responds in the end, though it can take a couple of chasers.",
            "urgent issues get attention, everyday ones less so.",
        ),
        POS: (
            "{other} responds quickly and keeps us updated until it is fixed.",
            "escalations are picked up the same day.",
            "when we need something urgently, {other} finds a way.",
            "turnaround on requests has become fast and predictable.",
        ),
    },
    "commercial": {
        NEG: (
            "every change request turns into a negotiation about money.",
            "the pricing feels opaque and we cannot see what we are paying for.",
            "the contract is used as a weapon rather than as a framework.",
            "invoices regularly need correcting before they can be paid.",
            "the commercial model rewards activity, not outcomes.",
            "nobody in my area understands how the charges are worked out.",
        ),
        NEU: (
            "the commercial terms are fair on paper but slow to administer.",
            "pricing is mostly clear, though variations take a long time to agree.",
            "the contract works, but it has not kept up with how the service has changed.",
            "commercial discussions with {other} are professional, if a bit rigid.",
        ),
        POS: (
            "the open-book approach has taken the heat out of commercial discussions.",
            "pricing is transparent and variations are agreed quickly.",
            "both sides feel the deal is fair, which makes everything else easier.",
            "invoices are right first time and disputes are rare.",
        ),
    },
    "communication": {
        NEG: (
            "we hear about changes after they have happened.",
            "information gets stuck in meetings and never reaches the people doing the work.",
            "there are too many reports and not enough conversations.",
            "we get conflicting messages from different people at {other}.",
            "nobody tells the front line what was decided.",
        ),
        NEU: (
            "communication is good at the top but patchy further down.",
            "the monthly updates are useful but often late.",
            "we usually find out what we need, though not always from the right place.",
            "there is plenty of information, it is just hard to find.",
        ),
        POS: (
            "we always know what is happening and why.",
            "the regular briefings from {other} are clear and useful.",
            "information flows well between the teams on both sides.",
            "decisions are communicated quickly and consistently.",
        ),
    },
    "delivery": {
        NEG: (
            "the basics still go wrong too often.",
            "service levels are met on paper while the actual service is poor.",
            "we keep seeing the same failures come back.",
            "quality varies hugely from one week to the next.",
            "deadlines slip and we only find out on the day.",
        ),
        NEU: (
            "day-to-day delivery is mostly fine, with the odd bad week.",
            "the service meets the contract but rarely goes beyond it.",
            "delivery is solid in some areas and weak in others.",
            "performance has been steady, neither improving nor getting worse.",
        ),
        POS: (
            "the service just works, and people notice.",
            "what was promised is delivered, consistently and on time.",
            "quality has improved a lot over the last year.",
            "problems are rare and fixed properly when they happen.",
        ),
    },
    "innovation": {
        NEG: (
            "there is no appetite for trying anything new.",
            "every improvement idea gets stuck waiting for a business case.",
            "{other} waits to be told rather than bringing ideas.",
            "we run the service the same way as five years ago.",
        ),
        NEU: (
            "good ideas come up but few make it into practice.",
            "there is some improvement work, mostly small fixes.",
            "innovation happens in pockets rather than across the contract.",
            "improvement is talked about more than it is done.",
        ),
        POS: (
            "{other} regularly brings ideas that save us time and money.",
            "we run small trials together and scale what works.",
            "continuous improvement is now part of how we work.",
            "the joint improvement sessions have produced real changes.",
        ),
    },
    "governance": {
        NEG: (
            "decisions take months because nobody is sure who can make them.",
            "the governance meetings are long, frequent and achieve very little.",
            "issues go round in circles between boards without being resolved.",
            "we have lots of meetings but no clear decisions or owners.",
        ),
        NEU: (
            "governance works, but it is heavier than it needs to be.",
            "the boards make decisions, though not always quickly.",
            "roles are clear at the top and fuzzier further down.",
            "the meeting structure is sensible but attendance is patchy.",
        ),
        POS: (
            "decisions are made quickly and at the right level.",
            "the joint board is focused and actually resolves things.",
            "everyone knows who decides what.",
            "governance has become lighter and more useful.",
        ),
    },
    "people": {
        NEG: (
            "people on the two sides barely know each other.",
            "morale in the team is low and it shows in the work.",
            "there is an us-and-them culture that nobody challenges.",
            "the workload is not sustainable for the team.",
        ),
        NEU: (
            "working relationships are good in some teams and strained in others.",
            "people are committed, but stretched.",
            "the teams cooperate, though mostly at arm's length.",
            "ways of working vary a lot between sites.",
        ),
        POS: (
            "it feels like one team rather than client and supplier.",
            "people on both sides help each other out without being asked.",
            "the joint team culture is the best I have worked in.",
            "there is real respect between the people on both sides.",
        ),
    },
    "outcomes": {
        NEG: (
            "we measure activity, not whether things are actually better for the people we serve.",
            "nobody can say what value this contract has delivered.",
            "the two organisations want different things from this relationship.",
            "the outcomes we signed up for have been forgotten.",
        ),
        NEU: (
            "we are clear on outputs, less so on outcomes.",
            "there is a shared goal on paper, but it is rarely discussed.",
            "some of the intended benefits have come through, others have not.",
            "value is delivered, but it is hard to show.",
        ),
        POS: (
            "both sides are working towards the same outcomes.",
            "we can show real benefits for our customers from this relationship.",
            "the shared objectives are clear and reviewed regularly.",
            "this relationship delivers value well beyond the contract.",
        ),
    },
}

OPENERS: dict[str, tuple[str, ...]] = {
    NEG: ("", "", "", "Honestly, ", "Frankly, ", "In my area, ", "From where I sit, ", "Sadly, "),
    NEU: ("", "", "", "On the whole, ", "In my experience, ", "From where I sit, ", "Broadly, "),
    POS: ("", "", "", "To be fair, ", "In my experience, ", "Genuinely, ", "These days "),
}

TAILS: dict[str, tuple[str, ...]] = {
    NEG: (
        "",
        "",
        "",
        " It has been like this for months.",
        " Nobody seems to own it.",
        " It is wearing people down.",
        " We raised it last year and nothing changed.",
        " It costs both sides time and money.",
    ),
    NEU: (
        "",
        "",
        "",
        " Some weeks are better than others.",
        " It depends a lot on who you deal with.",
        " There is room to improve.",
    ),
    POS: (
        "",
        "",
        "",
        " Long may it continue.",
        " It makes a real difference day to day.",
        " Credit to both teams.",
        " It was not always like this.",
    ),
}

#: Answers to "if you could change one thing": a suggestion per Thing That Matters.
CHANGE: dict[str, tuple[str, ...]] = {
    "trust": (
        "be honest about problems as soon as they appear.",
        "stop the blame and look at causes together.",
        "keep the promises made in meetings, or stop making them.",
    ),
    "responsiveness": (
        "give us one named person to escalate to.",
        "agree response times for urgent issues and stick to them.",
        "stop closing tickets before the problem is actually fixed.",
    ),
    "commercial": (
        "make the pricing transparent so we can see what we pay for.",
        "agree a quicker way to price small changes.",
        "link payment to outcomes rather than activity.",
    ),
    "communication": (
        "tell the front line what has been decided, and why.",
        "replace some of the reports with a short regular conversation.",
        "agree one channel for updates instead of five.",
    ),
    "delivery": (
        "get the basics right every time before anything else.",
        "fix root causes instead of the same symptoms.",
        "warn us early when a deadline is at risk.",
    ),
    "innovation": (
        "set aside time and money for trying new ideas together.",
        "make it easier to get a small improvement approved.",
        "ask the people doing the work for ideas.",
    ),
    "governance": (
        "cut the number of meetings and make each one decide something.",
        "make it clear who can decide what.",
        "give the joint board real authority.",
    ),
    "people": (
        "bring the two teams together more often, face to face.",
        "recognise the people who hold this together.",
        "look at the workload before people burn out.",
    ),
    "outcomes": (
        "agree what success looks like for both organisations.",
        "measure whether things are better for the people we serve.",
        "review the shared objectives every quarter.",
    ),
}
CHANGE_OPENERS: tuple[str, ...] = ("", "", "Please ", "My one change: ", "Simply: ", "If I could: ")

LITTLE_WORKS: tuple[str, ...] = (
    "Not a lot at the moment, if I am honest.",
    "The people on the ground do their best despite everything.",
    "Some individuals go above and beyond, but that is despite the set-up, not because of it.",
    "Hard to say; most things feel like a struggle right now.",
)
LITTLE_TO_CHANGE: tuple[str, ...] = (
    "Honestly, not much; keep doing what works.",
    "Only small things; the relationship is in good shape.",
    "Nothing major. Keep the regular reviews going.",
)

#: Answers to "what matters that we have not asked about": mostly nothing, or a Thing That Matters again.
NOTHING_TO_ADD: tuple[str, ...] = (
    "Nothing to add, the questions covered it.",
    "Nothing else from me.",
    "I think you have covered the main points.",
    "No, that was thorough.",
    "Not really, thanks for asking.",
)
MISSED_TOPIC: dict[str, str] = {
    "trust": "how honest the two sides are with each other",
    "responsiveness": "how quickly things actually get fixed",
    "commercial": "value for money",
    "communication": "how news reaches the people doing the work",
    "delivery": "whether the basic service is reliable",
    "innovation": "whether anything is ever improved",
    "governance": "how decisions are made",
    "people": "how the two teams work together day to day",
    "outcomes": "whether this makes a difference for the people we serve",
}
MISSED_FRAMES: tuple[str, ...] = (
    "The survey did not really ask about {topic}.",
    "I would have liked a question about {topic}.",
    "More about {topic}, please; it matters more than the questions suggest.",
    "Something on {topic} would help next time.",
)

#: The planted new theme: staff turnover, handover when people leave, onboarding of new staff.
THEME: tuple[str, ...] = (
    "when someone leaves, their knowledge leaves with them because there is no proper handover.",
    "new starters at {other} take months to get up to speed because there is no onboarding.",
    "every time a key person moves on we start again from scratch, with no handover at all.",
    "onboarding of new staff is left to whoever has time, which is nobody.",
    "handovers between outgoing and incoming staff are rushed or do not happen at all.",
    "staff turnover at {other} means we keep explaining the same things to new people.",
    "there is no induction for people joining the account, so the same mistakes repeat.",
    "we lost two experienced people this year and there was no handover of what they knew.",
    "new joiners have no idea who to contact on the other side.",
    "the handover when account managers change is a real weak spot.",
    "onboarding new team members takes far too long and relies on goodwill.",
    "knowledge walks out of the door whenever someone leaves, because handover is nobody's job.",
)
THEME_OPENERS: tuple[str, ...] = (
    "",
    "",
    "Something you have not asked about: ",
    "Missing from this: ",
    "Honestly, ",
)
THEME_TAILS: tuple[str, ...] = (
    "",
    "",
    " It costs us weeks every time.",
    " It is the biggest hidden risk on this contract.",
    " Please look at this.",
)
