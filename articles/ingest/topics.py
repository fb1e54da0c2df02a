"""The topic vocabulary that tags imported articles.

Each tag is applied when any of its phrases occurs in the article's title or body (whole words,
case-insensitive). Editors refine tags in admin afterwards; an import never removes a tag.
"""

import re

TOPICS: dict[str, tuple[str, ...]] = {
    "liver cancer": ("liver cancer", "hepatocellular carcinoma", "cholangiocellular carcinoma"),
    "hepatocellular carcinoma": ("hepatocellular carcinoma",),
    "cholangiocarcinoma": ("cholangiocarcinoma", "cholangiocellular carcinoma"),
    "calcification": ("calcification", "calcifications"),
    "liver cyst": ("cyst", "cysts", "cystic"),
    "metastasis": ("metastasis", "metastasize", "metastatic"),
    "cirrhosis": ("cirrhosis",),
    "hepatitis": ("hepatitis",),
    "fatty liver": ("fatty liver",),
    "gallstones": ("gallstone", "gallstones"),
    "jaundice": ("jaundice",),
    "vomiting": ("vomiting", "antiemetic"),
    "ultrasound": ("ultrasound", "ultrasounds", "ultrasonography", "b-ultrasound"),
    "CT scan": ("ct scan", "ct scans"),
    "imaging": ("imaging", "ultrasound", "ultrasonography", "ct scan", "ct scans"),
    "surgery": ("surgery", "surgical", "surgically"),
    "targeted therapy": ("targeted therapy", "targeted therapies"),
    "portal vein": ("portal vein",),
    "prognosis": ("prognosis", "survival", "lifespan"),
    "diet": ("diet", "foods", "food"),
}

_PATTERNS = {
    tag: re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b", re.IGNORECASE)
    for tag, phrases in TOPICS.items()
}


def topics_for(*texts: str) -> list[str]:
    """The vocabulary's tags that ``texts`` mention, in vocabulary order."""
    text = "\n".join(texts)
    return [tag for tag, pattern in _PATTERNS.items() if pattern.search(text)]
