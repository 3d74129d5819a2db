"""Automod (pure): the built-in word lists, written for Hearth and kept small on purpose (an operator's own
lists go in as rules). Entries are written plainly; the matcher spells them as the canonical view does
(look-alikes folded, leetspeak read, repeated letters squeezed), so "x4nax" and "xaaanax" match "xanax"."""
from __future__ import annotations

# Medication and drug names (7 Cups' rule: no naming of medications, doses or drugs in rooms). Words that are
# mostly something else ("coke", "pot", "molly", "speed", "acid", "grass", "ice") are left out on purpose.
MEDICATION = (
    "sertraline", "zoloft", "fluoxetine", "prozac", "citalopram", "escitalopram", "lexapro", "celexa",
    "paroxetine", "paxil", "seroxat", "venlafaxine", "effexor", "duloxetine", "cymbalta", "mirtazapine",
    "bupropion", "wellbutrin", "amitriptyline", "trazodone", "quetiapine", "seroquel", "olanzapine",
    "aripiprazole", "abilify", "risperidone", "lithium", "lamotrigine", "lamictal", "valproate",
    "diazepam", "valium", "alprazolam", "xanax", "lorazepam", "ativan", "clonazepam", "klonopin",
    "zopiclone", "zolpidem", "ambien", "pregabalin", "lyrica", "gabapentin", "propranolol",
    "methylphenidate", "ritalin", "concerta", "adderall", "vyvanse", "elvanse", "dexamphetamine",
    "codeine", "co-codamol", "tramadol", "oxycodone", "oxycontin", "fentanyl", "morphine", "naproxen",
    "paracetamol", "acetaminophen", "tylenol", "ibuprofen", "nurofen", "advil", "aspirin", "melatonin",
    "benzos", "benzodiazepines", "opioids", "opiates", "antidepressants", "ssri", "ssris",
    "cocaine", "heroin", "meth", "methamphetamine", "mdma", "ecstasy", "ketamine", "lsd", "shrooms",
    "psilocybin", "cannabis", "marijuana", "weed", "spice", "xans", "percocet", "vicodin", "lean",
)
# Names that are also ordinary words read as a medication only beside a dose or a taking verb.
MEDICATION_AMBIGUOUS = ("spice", "lean", "weed", "meth")

# Abusive, graphic or sexual language aimed at someone, or slurs. Small and written for this project.
ABUSIVE = (
    "fuck you", "fuck off", "f ck you", "fck you", "fk you", "f ck off", "fck off", "fk off", "fuk u", "stfu", "shut the fuck up", "piss off", "go to hell", "screw you",
    "bitch", "son of a bitch", "cunt", "twat", "wanker", "dickhead", "asshole", "arsehole", "bastard",
    "slut", "whore", "skank", "retard", "retarded", "faggot", "fag", "tranny", "dyke", "spastic", "spaz",
    "kill yourself", "kys", "go jump off a cliff", "go jump off a bridge", "go hang yourself", "piece of shit",
    "eat shit", "nobody wants you", "go die", "go kill yourself", "neck yourself", "drink bleach",
    "nobody likes you", "you should die", "hope you die", "you're worthless", "youre worthless",
    "fat pig", "you loser", "you idiot", "you moron", "youre an idiot", "you are an idiot", "ur an idiot",
    "youre a loser", "ur a loser", "stupid cow",
    "send nudes", "nudes", "nude pics", "dick pic", "dick pics", "sext", "sexting", "horny", "blowjob",
    "porn", "pornhub", "onlyfans", "jerk off", "boobs", "tits", "pussy",
    "i will kill you", "ill kill you", "gonna kill you", "going to kill you",
    "i will stab you", "gonna stab you", "beat you up", "slit your throat",
)

# Social and messaging platforms (contact off the platform), with the short forms teens use.
PLATFORMS = (
    "instagram", "insta", "ig", "snapchat", "snap", "sc", "discord", "disc", "dc", "tiktok", "tik tok",
    "kik", "telegram", "tg", "whatsapp", "whats app", "wa", "twitter", "facebook", "fb", "messenger",
    "twitch", "reddit", "signal", "wechat", "skype", "line", "steam", "xbox", "psn", "roblox", "threads",
    "bluesky", "bsky", "tumblr", "youtube", "yt", "email", "e-mail", "gmail", "hotmail", "outlook",
)

# Helplines: never contact details (a person pointing another to help is doing right). Digits only.
HELPLINE_NUMBERS = (
    "116123",  # Samaritans (UK, IE)
    "08001111", "1111",  # Childline (UK)
    "85258",  # Shout (UK text line)
    "08000684141",  # Papyrus HOPELINEUK
    "988",  # 988 Suicide & Crisis Lifeline (US)
    "18002738255",  # the former US Lifeline number
    "741741",  # Crisis Text Line (US)
    "111", "999", "112", "911", "000",  # NHS 111 and emergency numbers
    "131114",  # Lifeline (AU)
    "1800551800",  # Kids Helpline (AU)
    "18006684868",  # Kids Help Phone (CA)
)
HELPLINE_DOMAINS = (
    "samaritans.org", "childline.org.uk", "giveusashout.org", "papyrus-uk.org", "mind.org.uk", "nhs.uk",
    "988lifeline.org", "crisistextline.org", "kidshelpphone.ca", "lifeline.org.au", "kidshelpline.com.au",
    "youngminds.org.uk", "beateatingdisorders.org.uk", "nspa.org.uk",
)
