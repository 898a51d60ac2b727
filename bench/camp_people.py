"""A seeded, multilingual camp registry with duplicate registrations, for the matching bench.

People come from Arabic-, Ukrainian-, Tajik- and Somali-speaking families; households share a
family name and often one phone, children are born a few years apart, and common names are
common (many a Muhammad). Some people are registered twice or three times, and the second
registration differs as it does at a real desk: the name written in its own script or in
another Latin spelling, a typo, given and family names swapped, the whole name in one
field, day and month of birth swapped, a year off, an age instead of a date, the phone
written another way, fields left empty. The spelling variants here are this generator's
own, not the matcher's name-variant table.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from haven.planning.matching import PersonRecord

REFERENCE_DATE = date(2024, 6, 1)

# (Latin spelling, own-script spelling or "").
ARABIC_MALE = [
    ("Muhammad", "محمد"),
    ("Ahmad", "أحمد"),
    ("Ali", "علي"),
    ("Omar", "عمر"),
    ("Yusuf", "يوسف"),
    ("Ibrahim", "إبراهيم"),
    ("Hassan", "حسن"),
    ("Hussein", "حسين"),
    ("Khalid", "خالد"),
    ("Mahmoud", "محمود"),
    ("Mustafa", "مصطفى"),
    ("Abdullah", "عبد الله"),
    ("Said", "سعيد"),
    ("Jamal", "جمال"),
    ("Tariq", "طارق"),
    ("Karim", "كريم"),
    ("Samir", "سمير"),
    ("Walid", "وليد"),
    ("Nabil", "نبيل"),
    ("Bilal", "بلال"),
    ("Hamza", "حمزة"),
    ("Adel", "عادل"),
    ("Ziad", "زياد"),
    ("Fadi", "فادي"),
    ("Rami", "رامي"),
    ("Majid", "ماجد"),
    ("Faisal", "فيصل"),
    ("Anas", "أنس"),
]
ARABIC_FEMALE = [
    ("Fatima", "فاطمة"),
    ("Aisha", "عائشة"),
    ("Maryam", "مريم"),
    ("Zainab", "زينب"),
    ("Khadija", "خديجة"),
    ("Amina", "أمينة"),
    ("Layla", "ليلى"),
    ("Nour", "نور"),
    ("Sara", "سارة"),
    ("Huda", "هدى"),
    ("Rania", "رانيا"),
    ("Salma", "سلمى"),
    ("Dina", "دينا"),
    ("Hala", "هالة"),
    ("Yasmin", "ياسمين"),
    ("Reem", "ريم"),
    ("Lina", "لينا"),
    ("Asma", "أسماء"),
    ("Hanan", "حنان"),
]
ARABIC_FAMILY = [
    ("Haddad", "حداد"),
    ("Khalil", "خليل"),
    ("Nasser", "ناصر"),
    ("Saleh", "صالح"),
    ("Mansour", "منصور"),
    ("Hamdan", "حمدان"),
    ("Darwish", "درويش"),
    ("Abbas", "عباس"),
    ("Qasim", "قاسم"),
    ("Yassin", "ياسين"),
    ("Awad", "عوض"),
    ("Barakat", "بركات"),
    ("Najjar", "نجار"),
    ("Khoury", "خوري"),
    ("Masri", "مصري"),
    ("Hijazi", "حجازي"),
    ("Jaber", "جابر"),
    ("Zaki", "زكي"),
    ("Sabbagh", "صباغ"),
    ("Hammoud", "حمود"),
    ("Daher", "ضاهر"),
    ("Farah", "فرح"),
    ("Suleiman", "سليمان"),
    ("Ghanem", "غانم"),
    ("Taha", "طه"),
    ("Othman", "عثمان"),
    ("Bakri", "بكري"),
    ("Shami", "شامي"),
    ("Rashid", "رشيد"),
    ("Karam", "كرم"),
    ("Sharif", "شريف"),
    ("Nasr", "نصر"),
    ("Hashem", "هاشم"),
    ("Younes", "يونس"),
    ("Saad", "سعد"),
    ("Fakhoury", "فاخوري"),
    ("Halabi", "حلبي"),
    ("Homsi", "حمصي"),
    ("Kurdi", "كردي"),
    ("Tamimi", "تميمي"),
    ("Zoubi", "زعبي"),
    ("Obeid", "عبيد"),
    ("Salem", "سالم"),
    ("Aziz", "عزيز"),
    ("Fares", "فارس"),
    ("Hamed", "حامد"),
    ("Bitar", "بيطار"),
    ("Sayegh", "صايغ"),
    ("Dabbagh", "دباغ"),
    ("Attar", "عطار"),
    ("Khatib", "خطيب"),
    ("Tahan", "طحان"),
    ("Jabri", "جابري"),
    ("Kassab", "قصاب"),
    ("Rifai", "رفاعي"),
    ("Sabri", "صبري"),
    ("Hakim", "حكيم"),
    ("Qadri", "قادري"),
    ("Alloush", "علوش"),
    ("Moussa", "موسى"),
    ("Habib", "حبيب"),
    ("Antar", "عنتر"),
    ("Sultan", "سلطان"),
    ("Shaheen", "شاهين"),
]
UKRAINIAN_MALE = [
    ("Oleksandr", "Олександр"),
    ("Mykola", "Микола"),
    ("Andriy", "Андрій"),
    ("Dmytro", "Дмитро"),
    ("Serhiy", "Сергій"),
    ("Yuriy", "Юрій"),
    ("Petro", "Петро"),
    ("Pavlo", "Павло"),
    ("Ivan", "Іван"),
    ("Vasyl", "Василь"),
    ("Bohdan", "Богдан"),
    ("Taras", "Тарас"),
    ("Oleh", "Олег"),
    ("Viktor", "Віктор"),
    ("Ihor", "Ігор"),
    ("Roman", "Роман"),
    ("Volodymyr", "Володимир"),
    ("Maksym", "Максим"),
]
UKRAINIAN_FEMALE = [
    ("Olena", "Олена"),
    ("Tetiana", "Тетяна"),
    ("Nataliia", "Наталія"),
    ("Kateryna", "Катерина"),
    ("Iryna", "Ірина"),
    ("Hanna", "Ганна"),
    ("Oksana", "Оксана"),
    ("Yuliia", "Юлія"),
    ("Svitlana", "Світлана"),
    ("Liudmyla", "Людмила"),
    ("Mariia", "Марія"),
    ("Halyna", "Галина"),
    ("Olha", "Ольга"),
    ("Viktoriia", "Вікторія"),
    ("Dariia", "Дарія"),
    ("Sofiia", "Софія"),
]
# Ukrainian family names: stems and endings, written in Cyrillic and transliterated the
# official way (KMU 2010), which is not how the matcher transliterates.
UKRAINIAN_STEMS = [
    "Ковал",
    "Шевч",
    "Бондар",
    "Мельн",
    "Ткач",
    "Кравч",
    "Олійн",
    "Бойч",
    "Лис",
    "Марч",
    "Мороз",
    "Савч",
    "Руд",
    "Петр",
    "Павл",
    "Харч",
    "Гриц",
    "Левч",
    "Зінч",
    "Гнат",
    "Кузьм",
    "Сидор",
    "Гончар",
    "Пономар",
    "Кушнір",
    "Роман",
    "Тимош",
    "Приход",
    "Кирил",
    "Дорош",
    "Кост",
    "Мартин",
    "Остап",
    "Семен",
    "Юрч",
    "Яковл",
    "Гордій",
    "Климч",
    "Литвин",
    "Стась",
]
UKRAINIAN_ENDINGS = ["енко", "ук", "ишин", "ак", "ович", "ко"]
KMU_2010 = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "ʼ": "",
}


def _kmu(cyrillic: str) -> str:
    latin = "".join(KMU_2010.get(char, char) for char in cyrillic.lower())
    return latin.capitalize()


UKRAINIAN_FAMILY = [
    (_kmu(stem + ending), stem + ending) for stem in UKRAINIAN_STEMS for ending in UKRAINIAN_ENDINGS
]
TAJIK_MALE = [
    ("Rustam", "Рустам"),
    ("Farrukh", "Фаррух"),
    ("Jamshed", "Джамшед"),
    ("Bakhtiyor", "Бахтиёр"),
    ("Firdavs", "Фирдавс"),
    ("Sherzod", "Шерзод"),
    ("Umed", "Умед"),
    ("Davron", "Даврон"),
    ("Shukhrat", "Шухрат"),
    ("Alisher", "Алишер"),
    ("Parviz", "Парвиз"),
    ("Behruz", "Бехруз"),
]
TAJIK_FEMALE = [
    ("Nigora", "Нигора"),
    ("Dilnoza", "Дилноза"),
    ("Madina", "Мадина"),
    ("Gulnora", "Гулнора"),
    ("Zarina", "Зарина"),
    ("Malika", "Малика"),
    ("Shahnoza", "Шахноза"),
    ("Mohira", "Мохира"),
    ("Firuza", "Фируза"),
    ("Manizha", "Манижа"),
]
# Stems: the man's family name adds -ov, the woman's -ova.
TAJIK_FAMILY = [
    ("Akobir", "Акобир"),
    ("Rakhim", "Рахим"),
    ("Said", "Саид"),
    ("Nazar", "Назар"),
    ("Karim", "Карим"),
    ("Yusup", "Юсуп"),
    ("Rashid", "Рашид"),
    ("Sharip", "Шарип"),
    ("Khodja", "Ходжа"),
    ("Mirzo", "Мирзо"),
    ("Sulton", "Султон"),
    ("Davlat", "Давлат"),
    ("Safar", "Сафар"),
    ("Kholmat", "Холмат"),
    ("Abdulloh", "Абдуллох"),
    ("Boboj", "Бобож"),
    ("Gafur", "Гафур"),
    ("Hamid", "Хамид"),
    ("Ismoil", "Исмоил"),
    ("Jurab", "Джураб"),
    ("Kamol", "Камол"),
    ("Latif", "Латиф"),
    ("Mahmud", "Махмуд"),
    ("Nurull", "Нурулл"),
    ("Odin", "Один"),
    ("Qodir", "Кодир"),
    ("Rajab", "Раджаб"),
    ("Sobir", "Собир"),
    ("Tolib", "Толиб"),
    ("Usmon", "Усмон"),
    ("Valij", "Валиж"),
    ("Yodgor", "Ёдгор"),
    ("Zokir", "Зокир"),
    ("Ashur", "Ашур"),
    ("Bahrom", "Бахром"),
    ("Ergash", "Эргаш"),
    ("Fayzull", "Файзулл"),
    ("Gulmurod", "Гулмурод"),
    ("Hikmat", "Хикмат"),
    ("Ikrom", "Икром"),
]
SOMALI_MALE = [
    ("Abdi", ""),
    ("Mohamed", ""),
    ("Ahmed", ""),
    ("Hassan", ""),
    ("Abdirahman", ""),
    ("Farah", ""),
    ("Abdullahi", ""),
    ("Ismail", ""),
    ("Omar", ""),
    ("Yusuf", ""),
    ("Bashir", ""),
    ("Guled", ""),
]
SOMALI_FEMALE = [
    ("Hodan", ""),
    ("Fadumo", ""),
    ("Amina", ""),
    ("Halima", ""),
    ("Sahra", ""),
    ("Ayaan", ""),
    ("Khadra", ""),
    ("Ifrah", ""),
    ("Nimco", ""),
    ("Hibo", ""),
    ("Ubah", ""),
    ("Sagal", ""),
]
SOMALI_FAMILY = [
    ("Warsame", ""),
    ("Abdullahi", ""),
    ("Yusuf", ""),
    ("Osman", ""),
    ("Jama", ""),
    ("Hirsi", ""),
    ("Ali", ""),
    ("Nur", ""),
    ("Elmi", ""),
    ("Dahir", ""),
    ("Gedi", ""),
    ("Aden", ""),
    ("Egal", ""),
    ("Shire", ""),
    ("Mohamud", ""),
    ("Farah", ""),
    ("Ibrahim", ""),
    ("Duale", ""),
    ("Abdikarim", ""),
    ("Abdiqadir", ""),
    ("Abdiaziz", ""),
    ("Mahad", ""),
    ("Liban", ""),
    ("Hussein", ""),
    ("Said", ""),
    ("Sharif", ""),
    ("Keynan", ""),
    ("Samatar", ""),
    ("Barre", ""),
    ("Hersi", ""),
    ("Muse", ""),
    ("Bile", ""),
    ("Omar", ""),
    ("Ahmed", ""),
    ("Ismail", ""),
]
CULTURES = {
    "arabic": (ARABIC_MALE, ARABIC_FEMALE, ARABIC_FAMILY, "+963", 0.40),
    "ukrainian": (UKRAINIAN_MALE, UKRAINIAN_FEMALE, UKRAINIAN_FAMILY, "+380", 0.25),
    "tajik": (TAJIK_MALE, TAJIK_FEMALE, TAJIK_FAMILY, "+992", 0.15),
    "somali": (SOMALI_MALE, SOMALI_FEMALE, SOMALI_FAMILY, "+252", 0.20),
}
# How clerks respell names heard or read from another script (this generator's own list).
RESPELLINGS = [
    ("u", "o"),
    ("ou", "u"),
    ("ee", "i"),
    ("kh", "h"),
    ("y", "i"),
    ("ii", "iy"),
    ("iia", "ia"),
    ("ov", "ow"),
    ("ova", "owa"),
    ("ss", "s"),
    ("mm", "m"),
    ("dd", "d"),
    ("j", "dzh"),
    ("q", "k"),
    ("a", "e"),
    ("i", "e"),
    ("yo", "io"),
    ("ph", "f"),
    ("ei", "ay"),
    ("h", ""),
    ("z", "s"),
]
# The most common names are common: weights favour the first few of each list.
NAME_SKEW = 0.8


def _pick(
    rng: random.Random, names: list[tuple[str, str]], skew: float = NAME_SKEW
) -> tuple[str, str]:
    weights = [1.0 / (rank + 1) ** skew for rank in range(len(names))]
    return rng.choices(names, weights)[0]


def _respell(rng: random.Random, name: str) -> str:
    lower = name.lower()
    options = [(old, new) for old, new in RESPELLINGS if old in lower[1:]]
    if not options:
        return name
    old, new = rng.choice(options)
    start = lower.index(old, 1)
    respelled = lower[:start] + new + lower[start + len(old) :]
    return respelled.capitalize()


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name
    position = rng.randrange(1, len(name))
    # A clerk typing in one script mistypes with that script's letters.
    letters = "abcdefghijklmnopqrstuvwxyz" if name.isascii() else name
    kind = rng.random()
    if kind < 0.3:
        return name[:position] + name[position + 1 :]
    if kind < 0.55:
        return name[:position] + rng.choice(letters) + name[position:]
    if kind < 0.8 and position < len(name) - 1:
        return name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    return name[:position] + rng.choice(letters) + name[position + 1 :]


def _phone(rng: random.Random, country: str) -> str:
    return f"{country} {rng.randint(50, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _rewrite_phone(rng: random.Random, phone: str) -> str:
    country, *rest = phone.split()
    digits = "".join(rest)
    style = rng.random()
    if style < 0.35:
        return "0" + digits
    if style < 0.6:
        return "00" + country[1:] + digits
    if style < 0.8:
        return f"0{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    return country + digits


def generate_camp(
    people: int, *, seed: int, duplicate_share: float = 0.12
) -> tuple[list[PersonRecord], set[tuple[str, str]]]:
    """`people` distinct people, some registered more than once; returns records and true pairs."""
    rng = random.Random(seed)
    originals: list[tuple[PersonRecord, str, dict[str, str]]] = []
    while len(originals) < people:
        culture = rng.choices(list(CULTURES), [c[4] for c in CULTURES.values()])[0]
        males, females, families, country, _ = CULTURES[culture]
        family_latin, family_native = _pick(rng, families, skew=0.5)
        household_phone = _phone(rng, country) if rng.random() < 0.7 else ""
        size = min(rng.choice([1, 1, 2, 3, 4, 5, 6, 7]), people - len(originals))
        head_year = rng.randint(1950, 2000)
        given_in_household: set[str] = set()
        for member in range(size):
            female = rng.random() < 0.52
            # Parents do not give a child a name already in the family.
            given_latin, given_native = _pick(rng, females if female else males)
            while given_latin in given_in_household:
                given_latin, given_native = _pick(rng, females if female else males)
            given_in_household.add(given_latin)
            surname_latin, surname_native = family_latin, family_native
            if culture == "tajik":
                ending_latin, ending_native = ("ova", "ова") if female else ("ov", "ов")
                surname_latin, surname_native = (
                    family_latin + ending_latin,
                    family_native + ending_native,
                )
            if member < 2:
                year = head_year + rng.randint(-6, 6)
            else:
                year = min(head_year + 18 + 2 * member + rng.randint(-3, 3), 2023)
            born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            # A fifth of people know only their age; some are registered on 1 January.
            knows_date = rng.random() < 0.8
            if knows_date and rng.random() < 0.06:
                born = date(born.year, 1, 1)
            age = (REFERENCE_DATE - born).days // 365
            record = PersonRecord(
                record_id=f"P{len(originals) + 1:06d}",
                given_name=given_latin,
                family_name=surname_latin,
                sex="f" if female else "m",
                date_of_birth=born if knows_date else None,
                age_years=None if knows_date else float(age),
                phone=household_phone if member < 2 or rng.random() < 0.5 else "",
            )
            native = {"given": given_native, "family": surname_native, "country": country}
            originals.append((record, culture, native))
    records: list[PersonRecord] = []
    true_pairs: set[tuple[str, str]] = set()
    for record, _, native in originals:
        records.append(record)
        if rng.random() >= duplicate_share:
            continue
        copies = 1 if rng.random() < 0.85 else 2
        ids = [record.record_id]
        for copy in range(copies):
            duplicate = _registered_again(rng, record, native, f"{record.record_id}-{copy + 2}")
            records.append(duplicate)
            ids.append(duplicate.record_id)
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                true_pairs.add((min(first, second), max(first, second)))
    rng.shuffle(records)
    return records, true_pairs


def _registered_again(
    rng: random.Random, record: PersonRecord, native: dict[str, str], record_id: str
) -> PersonRecord:
    given, family = record.given_name, record.family_name
    if native["given"] and rng.random() < 0.3:
        given, family = native["given"], native["family"]
    else:
        if rng.random() < 0.35:
            given = _respell(rng, given)
        if rng.random() < 0.3:
            family = _respell(rng, family)
    if rng.random() < 0.2:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    full_name = ""
    if rng.random() < 0.1:
        given, family = family, given
    if rng.random() < 0.12:
        full_name, given, family = f"{given} {family}", "", ""
    born, age = record.date_of_birth, record.age_years
    roll = rng.random()
    if born is not None:
        if roll < 0.1 and born.day <= 12 and born.day != born.month:
            born = date(born.year, born.day, born.month)
        elif roll < 0.18:
            born = (
                born.replace(year=born.year + rng.choice([-1, 1]))
                if born.month * 100 + born.day != 229
                else born
            )
        elif roll < 0.23:
            born = born.replace(day=min(28, max(1, born.day + rng.choice([-2, -1, 1, 2]))))
        elif roll < 0.4:
            age = float(max(0, (REFERENCE_DATE - born).days // 365 + rng.choice([-1, 0, 0, 1])))
            born = None
        elif roll < 0.47:
            born = None
    elif roll < 0.3:
        age = None
    elif age is not None:
        age = max(0.0, age + rng.choice([-2, -1, 0, 0, 1, 2]))
    phone = record.phone
    if phone:
        roll = rng.random()
        if roll < 0.3:
            phone = ""
        elif roll < 0.85:
            phone = _rewrite_phone(rng, phone)
    elif rng.random() < 0.3:
        phone = _phone(rng, native["country"])
    sex = "" if rng.random() < 0.08 else record.sex
    return replace(
        record,
        record_id=record_id,
        given_name=given,
        family_name=family,
        full_name=full_name,
        date_of_birth=born,
        age_years=age,
        phone=phone,
        sex=sex,
    )
