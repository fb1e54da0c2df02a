"""Clinical concepts: the many names one condition goes by, so answers that say "HBV",
"HBsAg" or "entecavir" meet answers that say "hepatitis B".

Short medical answers often share no words with the answers most like them: one doctor writes
"cholelithiasis", another "gallbladder stones". Each concept lists the names, abbreviations,
tests and treatments that mark it, as a hepatology glossary (MeSH entry terms, drug classes)
would; an answer's concept vector counts how often it names each. It is one component of the
score, shown to editors as "both about hepatitis B".
"""

from __future__ import annotations

import re
from collections import Counter

CONCEPTS: dict[str, tuple[str, ...]] = {
    "hepatitis B": (
        "hepatitis b", "hbv", "hbsag", "hbeag", "anti-hbc", "anti-hbe", "anti-hbs", "hbsab",
        "hbv dna", "cccdna", "entecavir", "tenofovir", "adefovir", "lamivudine", "telbivudine",
        "big three positive", "small three positive", "hepatitis b vaccine", "hbig",
        "hepatitis b immunoglobulin", "hepatitis b virus",
    ),
    "hepatitis C": (
        "hepatitis c", "hcv", "hcv rna", "anti-hcv", "sofosbuvir", "velpatasvir",
        "ledipasvir", "glecaprevir", "pibrentasvir", "daclatasvir", "direct-acting antiviral",
        "direct-acting antivirals", "daa", "daas", "ribavirin", "peginterferon",
        "sustained virological response", "svr", "hepatitis c virus",
    ),
    "fatty liver": (
        "fatty liver", "nafld", "masld", "nash", "mash", "steatosis", "steatohepatitis",
        "hepatic steatosis", "non-alcoholic", "nonalcoholic", "metabolic dysfunction",
        "fat in the liver", "liver fat",
    ),
    "alcohol": (
        "alcohol", "alcoholic", "alcohol-related", "drinking", "drinker", "drinks", "ald",
        "wine", "beer", "spirits", "liquor", "baijiu", "abstinence", "alcohol withdrawal",
        "binge",
    ),
    "cirrhosis": (
        "cirrhosis", "cirrhotic", "scarred liver", "scarring of the liver", "decompensated",
        "decompensation", "compensated cirrhosis", "child-pugh", "meld", "hepatic encephalopathy",
        "encephalopathy", "ascites", "fibroscan", "liver stiffness", "lactulose", "rifaximin",
        "spontaneous bacterial peritonitis", "hepatorenal",
    ),
    "portal hypertension": (
        "portal hypertension", "varices", "variceal", "esophageal varices", "oesophageal varices",
        "gastric varices", "banding", "band ligation", "ligation", "tips",
        "transjugular intrahepatic portosystemic shunt", "propranolol", "carvedilol",
        "vomiting blood", "hematemesis", "black stool", "black stools", "melena", "tarry",
        "splenomegaly", "hypersplenism", "enlarged spleen", "upper gastrointestinal bleeding",
        "upper gi bleeding", "portal vein",
    ),
    "liver cancer": (
        "liver cancer", "hcc", "hepatocellular carcinoma", "hepatoma", "afp",
        "alpha-fetoprotein", "tace", "transarterial chemoembolization", "chemoembolization",
        "radiofrequency ablation", "microwave ablation", "ablation", "hepatectomy",
        "liver resection", "sorafenib", "lenvatinib", "regorafenib", "atezolizumab",
        "bevacizumab", "immunotherapy", "targeted therapy", "metastasis", "metastases",
        "metastatic", "liver tumour", "liver tumor", "malignant tumour", "malignant tumor",
        "cholangiocarcinoma", "oncologist", "chemotherapy",
    ),
    "gallstones": (
        "gallstone", "gallstones", "cholelithiasis", "gallbladder stone", "gallbladder stones",
        "biliary colic", "bile duct stone", "bile duct stones", "common bile duct stone",
        "choledocholithiasis", "ercp", "ursodeoxycholic acid", "ursodiol", "biliary sludge",
        "stones in the gallbladder",
    ),
    "cholecystitis": (
        "cholecystitis", "inflamed gallbladder", "gallbladder inflammation",
        "inflammation of the gallbladder", "cholecystectomy", "murphy's sign",
        "gallbladder wall", "gallbladder empyema", "cholecystostomy", "gallbladder drainage",
        "gallbladder polyp", "gallbladder polyps", "acalculous",
    ),
    "liver cysts and benign lesions": (
        "liver cyst", "liver cysts", "hepatic cyst", "hepatic cysts", "simple cyst", "cyst",
        "cysts", "cystic", "hemangioma", "haemangioma", "hemangiomas", "hydatid",
        "echinococcus", "echinococcosis", "polycystic", "benign lesion", "benign lesions",
        "focal nodular hyperplasia", "fnh", "hepatic adenoma", "hyperechoic", "hypoechoic",
    ),
    "liver transplant": (
        "liver transplant", "liver transplantation", "transplant", "transplantation", "graft",
        "liver graft", "donor", "living donor", "recipient", "rejection", "tacrolimus",
        "cyclosporine", "ciclosporin", "mycophenolate", "sirolimus", "everolimus",
        "immunosuppressant", "immunosuppressants", "immunosuppression", "anti-rejection",
        "waiting list",
    ),
    "drug-induced liver injury": (
        "drug-induced liver injury", "drug-induced", "dili", "hepatotoxic", "hepatotoxicity",
        "paracetamol", "acetaminophen", "herbal", "herbs", "herbal medicine", "supplement",
        "supplements", "dietary supplement", "traditional chinese medicine", "tcm", "statin",
        "statins", "isoniazid", "rifampicin", "anti-tuberculosis", "tuberculosis drugs",
        "n-acetylcysteine", "overdose", "liver-protecting", "liver protecting",
    ),
    "newborn jaundice": (
        "newborn", "newborns", "neonatal", "neonate", "neonates", "baby", "babies", "infant",
        "infants", "phototherapy", "blue light", "breast milk jaundice", "breastfeeding jaundice",
        "kernicterus", "biliary atresia", "exchange transfusion", "physiological jaundice",
        "pathological jaundice", "transcutaneous bilirubin",
    ),
}  # fmt: skip

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# Each phrase as its words, so a text is scanned once: at each word, the longest phrase
# starting there wins ("hbv dna" before "hbv").
_CONCEPT_OF = {
    tuple(_words(phrase)): concept for concept, phrases in CONCEPTS.items() for phrase in phrases
}
# For each word that starts a phrase, the longest phrase it starts: most words start none.
_LONGEST: dict[str, int] = {}
for _phrase in _CONCEPT_OF:
    _LONGEST[_phrase[0]] = max(_LONGEST.get(_phrase[0], 0), len(_phrase))


def concepts_in(text: str) -> Counter[str]:
    """How many times ``text`` names each concept."""
    words = _words(text)
    found: Counter[str] = Counter()
    i = 0
    while i < len(words):
        longest = _LONGEST.get(words[i], 0)
        for size in range(min(longest, len(words) - i), 0, -1):
            concept = _CONCEPT_OF.get(tuple(words[i : i + size]))
            if concept:
                found[concept] += 1
                i += size
                break
        else:
            i += 1
    return found
