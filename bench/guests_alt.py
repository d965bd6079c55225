# ruff: noqa: RUF001  (Turkish names are spelt with the dotless i)
"""An independent synthetic hotel-guest population, written to other conventions than ours.

It does not import `hotel_*.py`: it exists to see how the engine fares on data whose author
made different (realistic, not adversarial) choices. Every record is a generic record (DESIGN.md)
plus `_guest`, the true person, and `_at`, its arrival time.

Conventions
-----------
People. Guests of 16 countries: TR, PL, GR, IN, AE, JP, KR, VN, NL, ES, PT, BR, HU, GB, US, DE.
Name pools are small (8-16 given names per sex, 7-16 family names), so namesakes in one city
are common, as in a real chain's home market. Polish and Greek surnames take the feminine
form (Kowalska, Papadopoulou); Spanish guests carry two surnames; Portuguese and Brazilian
guests one or two of "Sousa Ferreira"; Dutch surnames may carry a tussenvoegsel ("van den
Berg"); Vietnamese guests have a middle name (Van, Thi, Duc...); some Indian, US and Dutch
guests have a middle name. Birth years 1945-2002.

Households. 18% of guests live as a couple: same address and landline, the same surname
where the country's custom says so (not ES, PT, BR, KR, VN, AE, HU), feminine forms where
the language has them; 25% of couples share one email ("jansen.family@", or simply one
partner's address), and 6% of a partner's bookings carry the other partner's phone or email
(the one who booked). 3% of guests have a child of the same given and family name, born
24-36 years later, sharing address and landline ("Jr" on some records of sons in GB and US);
1% are twins (same birth date and surname, different given names, same address). Namesakes
arise from the pools, plus 2% of guests deliberately given the commonest name of their
country and city.

Records. 1-9 per guest (half come once). Channels: direct bookings in the property's PMS
(mews, apaleo, cloudbeds, opera), booking.com and expedia (per-booking alias emails, half of
them copied into the PMS as a second record with the channel's booking number), walk-ins and
the booking widget (google or apple sign-in; apple guests often give the private relay).

Rendering, per record:
- Names: Title Case, ALL CAPS (opera, OTAs) or lower case; a title in the first-name field
  ("Mr. Rahul", "Dr Ahmed", or in the guest's language: "Dhr. Jan", "Smt. Priya", "Pan
  Piotr", "Bayan Ayşe") or `title`; opera's GDS "SURNAME/GIVEN MR" in `full_name`; the
  middle name in the first-name field, the middle field, or left out; one-field full names in
  family-first order for HU, JP, KR, VN ("Nagy László", "Nguyen Van Minh"), given-first for
  the rest; JP, KR and HU given and family swapped in the two fields 5% of the time;
  diacritics kept, dropped (unidecode) or spelt out the German way (ü -> ue) when a system
  strips them; other transliterations where a culture has several (Mohammed / Mohamed /
  Muhammad, Yusuf / Youssef, Georgios / Giorgos, Sato / Satoh / Satou, Lee / Yi, Park / Pak,
  Al-Rashid / Al Rashid / Alrashid); Korean given names with or without a hyphen or space;
  Spanish second surname dropped on 40% of records (OTA forms have room for one), Portuguese
  first surname dropped on half; Dutch tussenvoegsel in the middle field, moved after the
  surname ("Berg, van den" -> "Berg van den"), or glued ("Vandenberg") sometimes; a typo in one
  name part on 5% of records (keyboard neighbour, transposition, dropped or doubled letter).
- Phones: mobile (personal) or landline (household); E.164 with or without spaces, 00 prefix,
  national with the trunk 0 where the country has one, dashes, dots, parentheses, "+44 (0)"
  style, an extension on work numbers; on OTA records the guest typed it, so national forms
  with no country are common.
- Emails: given.family@, givenfamily@, g.family@, family.given@, with a year or digits; gmail
  with dots moved and +tags; a work address for business travellers on some direct bookings;
  upper case sometimes; 1% with a typo.
- Birth dates: only PMS, walk-in and some widget records; 3% with day and month swapped
  (a DD/MM form read as MM/DD), 1% off by one digit.
- Addresses: street and number in the country's order, abbreviations varied ("Street"/"St",
  "ulica"/"ul.", "Caddesi"/"Cad.", "straat"/"str."), postcodes with or without the space,
  cities in local or English spelling (Warszawa/Warsaw, Lisboa/Lisbon), with or without
  diacritics.
- Loyalty numbers on PMS records of members; passports or national ids on 20% of check-ins.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from unidecode import unidecode

# country: (dial code, trunk prefix, mobile prefixes, mobile nsn length, landline prefixes,
#           landline length, grouping of the nsn for display)
PHONE = {
    "TR": ("90", "0", ["53", "54", "55", "50"], 10, ["212", "216", "312"], 10, (3, 3, 2, 2)),
    "PL": (
        "48",
        "",
        ["50", "51", "60", "66", "69", "72", "78"],
        9,
        ["22", "12", "61"],
        9,
        (3, 3, 3),
    ),
    "GR": ("30", "", ["69"], 10, ["21", "231"], 10, (3, 3, 4)),
    "IN": ("91", "0", ["98", "97", "99", "88", "70"], 10, ["11", "22", "80"], 10, (5, 5)),
    "AE": ("971", "0", ["50", "52", "55", "56"], 9, ["4", "2"], 8, (2, 3, 4)),
    "JP": ("81", "0", ["90", "80", "70"], 10, ["3", "6"], 9, (2, 4, 4)),
    "KR": ("82", "0", ["10"], 10, ["2", "31"], 9, (2, 4, 4)),
    "VN": ("84", "0", ["90", "91", "98", "97"], 9, ["24", "28"], 10, (2, 3, 4)),
    "NL": ("31", "0", ["6"], 9, ["20", "10", "70"], 9, (1, 4, 4)),
    "ES": ("34", "", ["6", "7"], 9, ["91", "93"], 9, (3, 3, 3)),
    "PT": ("351", "", ["91", "92", "93", "96"], 9, ["21", "22"], 9, (3, 3, 3)),
    "BR": ("55", "0", ["119", "219"], 11, ["113", "213"], 10, (2, 5, 4)),
    "HU": ("36", "06", ["20", "30", "70"], 9, ["1"], 8, (2, 3, 4)),
    "GB": ("44", "0", ["74", "75", "77", "78", "79"], 10, ["20", "161", "131"], 10, (4, 6)),
    "US": ("1", "", ["212", "415", "312", "617"], 10, ["212", "415", "312", "617"], 10, (3, 3, 4)),
    "DE": ("49", "0", ["151", "160", "170", "176"], 11, ["30", "89", "40"], 10, (4, 7)),
}


@dataclass(frozen=True)
class Culture:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[tuple[str, str, str], ...]  # (local spelling, English spelling, postcode stem)
    streets: tuple[str, ...]
    mail: tuple[str, ...]
    weight: float
    family_first: bool = False  # one-field full names are written family first
    shared_surname: bool = True  # a couple shares the surname
    middles_m: tuple[str, ...] = ()
    middles_f: tuple[str, ...] = ()
    middle_rate: float = 0.0


C: dict[str, Culture] = {
    "TR": Culture(
        (
            "Mehmet",
            "Mustafa",
            "Ahmet",
            "Ali",
            "Hüseyin",
            "Hasan",
            "İbrahim",
            "Murat",
            "Emre",
            "Burak",
            "Çağlar",
            "Oğuz",
        ),
        ("Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Özge", "Gül", "Şule", "Merve", "Büşra"),
        (
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Yıldırım",
            "Öztürk",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
            "Kılıç",
            "Çetin",
        ),
        (("İstanbul", "Istanbul", "34"), ("Ankara", "Ankara", "06"), ("İzmir", "Izmir", "35")),
        ("Atatürk Caddesi", "Cumhuriyet Caddesi", "İnönü Sokak", "Bağdat Caddesi", "Gül Sokak"),
        ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com"),
        1.0,
    ),
    "PL": Culture(
        (
            "Piotr",
            "Krzysztof",
            "Andrzej",
            "Tomasz",
            "Paweł",
            "Michał",
            "Marcin",
            "Łukasz",
            "Grzegorz",
            "Wojciech",
        ),
        (
            "Anna",
            "Katarzyna",
            "Małgorzata",
            "Agnieszka",
            "Joanna",
            "Magdalena",
            "Ewa",
            "Monika",
            "Dorota",
        ),
        (
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kowalczyk",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Woźniak",
            "Dąbrowski",
            "Mazur",
        ),
        (("Warszawa", "Warsaw", "00"), ("Kraków", "Cracow", "30"), ("Wrocław", "Wroclaw", "50")),
        ("ulica Marszałkowska", "ulica Długa", "ulica Polna", "aleja Jana Pawła II", "ulica Leśna"),
        ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl"),
        1.0,
    ),
    "GR": Culture(
        (
            "Georgios",
            "Ioannis",
            "Konstantinos",
            "Dimitrios",
            "Nikolaos",
            "Panagiotis",
            "Vasileios",
            "Christos",
        ),
        ("Maria", "Eleni", "Aikaterini", "Vasiliki", "Sofia", "Angeliki", "Georgia", "Dimitra"),
        (
            "Papadopoulos",
            "Pappas",
            "Nikolaidis",
            "Georgiou",
            "Oikonomou",
            "Papadakis",
            "Vlachos",
            "Karagiannis",
            "Makris",
            "Alexiou",
        ),
        (("Athina", "Athens", "10"), ("Thessaloniki", "Salonica", "54"), ("Patra", "Patras", "26")),
        ("Odos Ermou", "Odos Stadiou", "Leoforos Kifisias", "Odos Aiolou"),
        ("gmail.com", "yahoo.gr", "hotmail.com", "otenet.gr"),
        0.8,
    ),
    "IN": Culture(
        (
            "Rahul",
            "Amit",
            "Rajesh",
            "Sanjay",
            "Vikram",
            "Arjun",
            "Suresh",
            "Anil",
            "Mohammed",
            "Venkata",
            "Rohan",
            "Karthik",
        ),
        (
            "Priya",
            "Anjali",
            "Sunita",
            "Pooja",
            "Deepika",
            "Lakshmi",
            "Kavita",
            "Neha",
            "Divya",
            "Shreya",
        ),
        (
            "Sharma",
            "Patel",
            "Singh",
            "Kumar",
            "Gupta",
            "Reddy",
            "Iyer",
            "Nair",
            "Shah",
            "Mehta",
            "Rao",
            "Agarwal",
            "Joshi",
            "Menon",
        ),
        (
            ("Mumbai", "Bombay", "400"),
            ("Bengaluru", "Bangalore", "560"),
            ("New Delhi", "Delhi", "110"),
        ),
        ("MG Road", "Linking Road", "Nehru Nagar", "Park Street", "Anna Salai"),
        ("gmail.com", "yahoo.co.in", "rediffmail.com", "hotmail.com"),
        1.2,
        middles_m=("Kumar", "Ramana", "Prakash", "Raj"),
        middles_f=("Devi", "Kumari", "Rani"),
        middle_rate=0.3,
    ),
    "AE": Culture(
        (
            "Mohammed",
            "Ahmed",
            "Abdullah",
            "Omar",
            "Khalid",
            "Ali",
            "Youssef",
            "Hassan",
            "Saeed",
            "Rashid",
        ),
        ("Fatima", "Aisha", "Mariam", "Noura", "Layla", "Sara", "Huda", "Amal"),
        (
            "Al-Rashid",
            "Al-Mansouri",
            "Al-Hashimi",
            "Haddad",
            "Khoury",
            "Nasser",
            "Saleh",
            "Hamdan",
            "Al-Falasi",
            "Al-Suwaidi",
        ),
        (("Dubai", "Dubai", ""), ("Abu Dhabi", "Abu Dhabi", ""), ("Sharjah", "Sharjah", "")),
        ("Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road", "Al Khail Road"),
        ("gmail.com", "hotmail.com", "yahoo.com", "emirates.net.ae"),
        0.9,
        shared_surname=False,
    ),
    "JP": Culture(
        (
            "Hiroshi",
            "Takashi",
            "Kenji",
            "Satoshi",
            "Yuki",
            "Daisuke",
            "Kazuki",
            "Shota",
            "Ryo",
            "Kōji",
        ),
        ("Yūko", "Akiko", "Yumi", "Keiko", "Naomi", "Haruka", "Sakura", "Yōko", "Mai"),
        (
            "Satō",
            "Suzuki",
            "Takahashi",
            "Tanaka",
            "Watanabe",
            "Itō",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Katō",
            "Ōno",
        ),
        (("Tōkyō", "Tokyo", "1"), ("Ōsaka", "Osaka", "5"), ("Kyōto", "Kyoto", "6")),
        ("Ginza", "Shibuya", "Umeda", "Shinjuku", "Kawaramachi"),
        ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"),
        1.0,
        family_first=True,
    ),
    "KR": Culture(
        ("Min-jun", "Ji-hoon", "Hyun-woo", "Seo-jun", "Dong-wook", "Sung-min", "Jae-won"),
        ("Ji-yeon", "Min-ji", "Seo-yeon", "Eun-ji", "So-young", "Hye-jin", "Yu-na"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"),
        (("Seoul", "Seoul", "0"), ("Busan", "Pusan", "4"), ("Incheon", "Inchon", "2")),
        ("Teheran-ro", "Gangnam-daero", "Sejong-daero", "Haeundae-ro"),
        ("gmail.com", "naver.com", "daum.net", "hanmail.net"),
        1.0,
        family_first=True,
        shared_surname=False,
    ),
    "VN": Culture(
        ("Minh", "Tuấn", "Hùng", "Đức", "Quang", "Thành", "Long", "Nam"),
        ("Lan", "Hương", "Linh", "Mai", "Thảo", "Ngọc", "Trang", "Hà"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng"),
        (
            ("Hà Nội", "Hanoi", "10"),
            ("Thành phố Hồ Chí Minh", "Ho Chi Minh City", "70"),
            ("Đà Nẵng", "Da Nang", "55"),
        ),
        ("Phố Huế", "Đường Lê Lợi", "Đường Nguyễn Huệ", "Phố Hàng Bài"),
        ("gmail.com", "yahoo.com.vn", "hotmail.com"),
        0.8,
        family_first=True,
        shared_surname=False,
        middles_m=("Văn", "Đức", "Minh", "Quốc"),
        middles_f=("Thị", "Ngọc", "Thu"),
        middle_rate=0.9,
    ),
    "NL": Culture(
        ("Jan", "Pieter", "Willem", "Johannes", "Sander", "Bram", "Daan", "Joris", "Thijs", "Ruud"),
        ("Anna", "Sanne", "Lotte", "Femke", "Maaike", "Ingrid", "Eva", "Anouk", "Marieke"),
        (
            "de Jong",
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Jansen",
            "Visser",
            "Smit",
            "van der Meer",
            "de Boer",
            "van Leeuwen",
            "Mulder",
        ),
        (
            ("Amsterdam", "Amsterdam", "10"),
            ("Den Haag", "The Hague", "25"),
            ("Rotterdam", "Rotterdam", "30"),
        ),
        ("Keizersgracht", "Prinsengracht", "Kerkstraat", "Dorpsstraat", "Molenweg"),
        ("gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "xs4all.nl"),
        1.0,
        middles_m=("Hendrik", "Jacobus", "Cornelis"),
        middles_f=("Maria", "Johanna"),
        middle_rate=0.2,
    ),
    "ES": Culture(
        (
            "José",
            "Antonio",
            "Manuel",
            "Francisco",
            "Javier",
            "David",
            "Carlos",
            "Jesús",
            "José Antonio",
            "Juan Carlos",
        ),
        (
            "María",
            "Carmen",
            "Ana",
            "Isabel",
            "Laura",
            "Lucía",
            "Cristina",
            "María José",
            "María del Carmen",
        ),
        (
            "García",
            "Fernández",
            "González",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Martín",
            "Jiménez",
            "Ruiz",
        ),
        (
            ("Madrid", "Madrid", "28"),
            ("Barcelona", "Barcelona", "08"),
            ("Sevilla", "Seville", "41"),
        ),
        (
            "Calle Mayor",
            "Calle de Alcalá",
            "Avenida de la Constitución",
            "Calle Real",
            "Paseo de Gracia",
        ),
        ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"),
        1.2,
        shared_surname=False,
    ),
    "PT": Culture(
        ("João", "Pedro", "Miguel", "Tiago", "Rui", "Nuno", "Ricardo", "Paulo"),
        ("Ana", "Mariana", "Inês", "Joana", "Sofia", "Beatriz", "Catarina", "Rita"),
        (
            "Silva",
            "Santos",
            "Ferreira",
            "Pereira",
            "Oliveira",
            "Costa",
            "Rodrigues",
            "Martins",
            "Sousa",
            "Fernandes",
            "Gonçalves",
        ),
        (("Lisboa", "Lisbon", "1"), ("Porto", "Oporto", "4"), ("Braga", "Braga", "47")),
        ("Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua do Carmo"),
        ("gmail.com", "sapo.pt", "hotmail.com", "outlook.pt"),
        0.8,
        shared_surname=False,
    ),
    "BR": Culture(
        ("Lucas", "Gabriel", "Rafael", "Felipe", "Gustavo", "Bruno", "Thiago", "Rodrigo"),
        ("Juliana", "Fernanda", "Camila", "Amanda", "Bruna", "Larissa", "Patrícia", "Aline"),
        (
            "Silva",
            "Santos",
            "Oliveira",
            "Souza",
            "Lima",
            "Pereira",
            "Carvalho",
            "Almeida",
            "Ribeiro",
            "Barbosa",
        ),
        (
            ("São Paulo", "Sao Paulo", "01"),
            ("Rio de Janeiro", "Rio de Janeiro", "22"),
            ("Belo Horizonte", "Belo Horizonte", "30"),
        ),
        ("Rua Oscar Freire", "Avenida Paulista", "Rua das Flores", "Avenida Atlântica"),
        ("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br"),
        0.8,
        shared_surname=False,
    ),
    "HU": Culture(
        ("László", "István", "József", "Zoltán", "Sándor", "Gábor", "Péter", "Attila", "Ferenc"),
        ("Mária", "Erzsébet", "Katalin", "Éva", "Zsuzsanna", "Andrea", "Ildikó", "Krisztina"),
        (
            "Nagy",
            "Kovács",
            "Tóth",
            "Szabó",
            "Horváth",
            "Varga",
            "Kiss",
            "Molnár",
            "Németh",
            "Farkas",
        ),
        (("Budapest", "Budapest", "1"), ("Debrecen", "Debrecen", "40"), ("Szeged", "Szeged", "67")),
        ("Andrássy út", "Váci utca", "Kossuth Lajos utca", "Petőfi Sándor utca"),
        ("gmail.com", "freemail.hu", "citromail.hu", "t-online.hu"),
        0.8,
        family_first=True,
        shared_surname=False,
    ),
    "GB": Culture(
        (
            "James",
            "Oliver",
            "Thomas",
            "George",
            "Harry",
            "William",
            "Jack",
            "Daniel",
            "Matthew",
            "Robert",
        ),
        ("Olivia", "Emily", "Sophie", "Charlotte", "Jessica", "Hannah", "Lucy", "Grace", "Amelia"),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Evans",
            "Thomas",
            "Roberts",
            "Walker",
            "O'Brien",
            "Clarke",
        ),
        (
            ("London", "London", "SW"),
            ("Manchester", "Manchester", "M"),
            ("Edinburgh", "Edinburgh", "EH"),
        ),
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road"),
        ("gmail.com", "hotmail.co.uk", "btinternet.com", "yahoo.co.uk", "outlook.com"),
        1.0,
        middles_m=("John", "Edward", "Alexander"),
        middles_f=("Louise", "Elizabeth", "Rose"),
        middle_rate=0.25,
    ),
    "US": Culture(
        ("Michael", "John", "David", "Christopher", "Brian", "Kevin", "Steven", "Mark", "Jason"),
        ("Jennifer", "Jessica", "Ashley", "Sarah", "Elizabeth", "Michelle", "Amanda", "Stephanie"),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Moore",
            "Jackson",
            "Martin",
            "Lee",
        ),
        (
            ("New York", "New York", "100"),
            ("Chicago", "Chicago", "606"),
            ("San Francisco", "San Francisco", "941"),
        ),
        ("Main Street", "Oak Avenue", "Washington Boulevard", "Elm Street", "Lake Shore Drive"),
        ("gmail.com", "yahoo.com", "aol.com", "comcast.net", "icloud.com"),
        1.0,
        middles_m=("Allen", "James", "Lee", "Ray"),
        middles_f=("Ann", "Marie", "Lynn"),
        middle_rate=0.35,
    ),
    "DE": Culture(
        ("Thomas", "Michael", "Andreas", "Stefan", "Jürgen", "Frank", "Uwe", "Jörg", "Matthias"),
        ("Sabine", "Petra", "Claudia", "Susanne", "Andrea", "Birgit", "Jutta", "Käthe", "Ulrike"),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
        ),
        (("München", "Munich", "80"), ("Köln", "Cologne", "50"), ("Berlin", "Berlin", "10")),
        ("Hauptstraße", "Schulstraße", "Bahnhofstraße", "Gartenstraße", "Lindenweg"),
        ("gmail.com", "web.de", "gmx.de", "t-online.de"),
        1.0,
    ),
}

# Other spellings a name has in Latin script; a record uses one now and then.
VARIANTS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mohamed", "Muhammad", "Mohammad"),
    "Youssef": ("Yousef", "Yusuf"),
    "Abdullah": ("Abdallah",),
    "Aisha": ("Aysha", "Ayesha"),
    "Huda": ("Houda",),
    "Georgios": ("Giorgos", "Yiorgos"),
    "Ioannis": ("Giannis", "Yannis"),
    "Dimitrios": ("Dimitris",),
    "Konstantinos": ("Kostas",),
    "Vasileios": ("Vasilios", "Vasilis"),
    "Aikaterini": ("Ekaterini", "Katerina"),
    "Christos": ("Hristos",),
    "Panagiotis": ("Panayiotis",),
    "Satō": ("Satoh", "Satou"),
    "Itō": ("Itoh", "Itou"),
    "Katō": ("Katoh", "Katou"),
    "Ōno": ("Ohno", "Oono"),
    "Yūko": ("Yuuko",),
    "Yōko": ("Yoko", "Youko"),
    "Kōji": ("Koji", "Kouji"),
    "Lee": ("Yi", "Rhee"),
    "Park": ("Pak",),
    "Jung": ("Chung",),
    "Choi": ("Choe",),
    "Yoon": ("Yun",),
    "Al-Rashid": ("Al Rashid", "Alrashid", "Rashid"),
    "Al-Mansouri": ("Al Mansouri", "Almansouri", "Mansouri"),
    "Al-Hashimi": ("Al Hashimi", "Alhashimi", "Hashimi"),
    "Al-Falasi": ("Al Falasi", "Alfalasi"),
    "Al-Suwaidi": ("Al Suwaidi", "Alsuwaidi"),
    "Papadopoulos": ("Papadopulos",),
    "Souza": ("Sousa",),
}
_GERMANISH = {"ü": "ue", "ö": "oe", "ä": "ae", "Ü": "Ue", "Ö": "Oe", "Ä": "Ae"}
_FEMININE = {"ski": "ska", "cki": "cka", "dzki": "dzka"}
COMMONEST = {c: (cu.male[0], cu.female[0], cu.family[0]) for c, cu in C.items()}
KEYBOARD = {
    ch: near
    for ch, near in zip(
        "qwertyuiopasdfghjklzxcvbnm",
        [
            "wa",
            "qes",
            "wrd",
            "etf",
            "ryg",
            "tuh",
            "yij",
            "uok",
            "ipl",
            "ol",
            "qsz",
            "awdx",
            "sefc",
            "drgv",
            "fthb",
            "gyjn",
            "hukm",
            "jil",
            "kop",
            "asx",
            "zdc",
            "xfv",
            "cgb",
            "vhn",
            "bjm",
            "nk",
        ],
        strict=True,
    )
}
PMS = ("mews", "apaleo", "cloudbeds", "opera")
PROPERTIES = [(f"H{i:03d}", PMS[i % 4]) for i in range(1, 17)]
START = date(2023, 1, 1)


@dataclass
class Person:
    gid: str
    country: str
    male: bool
    given: str
    family: str
    middle: str | None
    dob: date
    city: int
    street: str
    house: int
    postcode: str
    mobile: str  # nsn
    landline: str | None
    email: str
    work_email: str | None
    loyalty: str | None
    passport: str | None
    suffix: str | None = None
    household_email: str | None = None
    partner: Person | None = None
    business: bool = False
    apple_relay: str | None = None
    google_sub: str | None = None
    traps: list[str] = field(default_factory=list)


def _feminine(family: str, country: str) -> str:
    if country == "PL":
        for masc, fem in _FEMININE.items():
            if family.endswith(masc):
                return family[: -len(masc)] + fem
    if country == "GR":
        if family.endswith("opoulos"):
            return family[:-1] + "u"
        if family.endswith("is"):
            return family[:-1]
        if family.endswith("os"):
            return family[:-2] + "ou"
    return family


def _masculine(family: str, country: str) -> str:
    if country == "PL":
        for masc, fem in _FEMININE.items():
            if family.endswith(fem):
                return family[: -len(fem)] + masc
    if country == "GR":
        if family.endswith("opoulou"):
            return family[:-1] + "s"
        if family.endswith("ou") and family not in ("Georgiou", "Oikonomou", "Alexiou"):
            return family[:-2] + "os"
        if family.endswith("i"):
            return family + "s"
    return family


def _gendered(family: str, country: str, male: bool) -> str:
    base = _masculine(family, country)
    return base if male else _feminine(base, country)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _number(rng: random.Random, prefixes: list[str], length: int) -> str:
    p = rng.choice(prefixes)
    return p + _digits(rng, length - len(p))


def _ascii(s: str) -> str:
    return unidecode(s)


def _local(rng: random.Random, given: str, family: str, year: int) -> str:
    g = _ascii(given).lower().replace(" ", "").replace("-", "").replace("'", "")
    f = _ascii(family).lower().replace(" ", "").replace("-", "").replace("'", "")
    style = rng.random()
    if style < 0.25:
        return f"{g}.{f}"
    if style < 0.4:
        return f"{g}{f}"
    if style < 0.5:
        return f"{g[0]}.{f}"
    if style < 0.6:
        return f"{f}.{g}"
    if style < 0.75:
        return f"{g}.{f}{year % 100:02d}"
    if style < 0.85:
        return f"{g}{year}"
    return f"{g}_{f}{rng.randint(1, 999)}"


def make_people(n: int, rng: random.Random) -> list[Person]:
    countries = list(C)
    weights = [C[c].weight for c in countries]
    people: list[Person] = []
    used_emails: set[str] = set()

    def mailbox(e: str) -> str:
        # Gmail ignores dots: "ryo.kato" and "ryokato" are one mailbox, so one person.
        local, _, domain = e.partition("@")
        return f"{local.replace('.', '')}@{domain}" if domain == "gmail.com" else e

    def email_for(given: str, family: str, year: int, country: str) -> str:
        for _ in range(20):
            e = f"{_local(rng, given, family, year)}@{rng.choice(C[country].mail)}"
            if mailbox(e) not in used_emails:
                used_emails.add(mailbox(e))
                return e
        e = f"{_local(rng, given, family, year)}{rng.randint(1000, 9999)}@{C[country].mail[0]}"
        used_emails.add(mailbox(e))
        return e

    def household(local: str, domain: str) -> str:
        e, n = f"{local}@{domain}", 1
        while mailbox(e) in used_emails:  # the second Jansen household is "jansen.family2@"
            n += 1
            e = f"{local}{n}@{domain}"
        used_emails.add(mailbox(e))
        return e

    def person(gid: str, country: str, male: bool, **over: Any) -> Person:
        cu = C[country]
        given = over.get("given") or rng.choice(cu.male if male else cu.female)
        family = over.get("family") or rng.choice(cu.family)
        if country == "ES" and "family" not in over:
            family = f"{family} {rng.choice(cu.family)}"
        if country in ("PT", "BR") and "family" not in over and rng.random() < 0.7:
            family = f"{rng.choice(cu.family)} {family}"
        if not male and "family" not in over:
            family = _feminine(family, country)
        middle = over.get("middle")
        if middle is None and rng.random() < cu.middle_rate:
            middle = rng.choice(cu.middles_m if male else cu.middles_f)
        dob = over.get("dob") or date(
            rng.randint(1945, 2002), rng.randint(1, 12), rng.randint(1, 28)
        )
        city = over.get("city", rng.randrange(len(cu.cities)))
        stem = cu.cities[city][2]
        postcode = over.get("postcode") or (stem + _digits(rng, 5 - len(stem)) if stem else "")
        if country == "NL" and "postcode" not in over:
            letters = "".join(rng.choices("ABCDEFGHJKLMNPRSTVWXZ", k=2))
            postcode = f"{stem}{_digits(rng, 2)} {letters}"
        if country == "GB" and "postcode" not in over:
            letters = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
            postcode = f"{stem}{rng.randint(1, 20)} {rng.randint(1, 9)}{letters}"
        if country == "PL" and "postcode" not in over:
            postcode = f"{stem}-{_digits(rng, 3)}"
        if country == "PT" and "postcode" not in over:
            postcode = f"{stem}{_digits(rng, 3)}-{_digits(rng, 3)}"
        ph = PHONE[country]
        business = rng.random() < 0.25
        p = Person(
            gid=gid,
            country=country,
            male=male,
            given=given,
            family=family,
            middle=middle,
            dob=dob,
            city=city,
            street=over.get("street") or rng.choice(cu.streets),
            house=over.get("house") or rng.randint(1, 180),
            postcode=postcode,
            mobile=_number(rng, ph[2], ph[3]),
            landline=over.get(
                "landline", _number(rng, ph[4], ph[5]) if rng.random() < 0.35 else None
            ),
            email=email_for(given, family.split()[-1], dob.year, country),
            work_email=None,
            loyalty=f"GX{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.25 else None,
            passport=f"{rng.choice(string.ascii_uppercase)}{_digits(rng, 8)}"
            if rng.random() < 0.5
            else None,
            suffix=over.get("suffix"),
            business=business,
            google_sub=_digits(rng, 21) if rng.random() < 0.2 else None,
        )
        if business:
            company = rng.choice(
                [
                    "siemens.com",
                    "deloitte.com",
                    "accenture.com",
                    "ing.com",
                    "tata.com",
                    "samsung.com",
                    "sony.co.jp",
                    "koc.com.tr",
                    "santander.es",
                    "edp.pt",
                    "otpbank.hu",
                    "emirates.com",
                ]
            )
            g, f = (
                _ascii(given).lower().split()[0],
                _ascii(family).lower().split()[-1].replace("'", ""),
            )
            work = f"{g}.{f}@{company}"
            while work in used_emails:  # a company gives the second namesake "john.smith2@"
                work = f"{g}.{f}{rng.randint(2, 99)}@{company}"
            used_emails.add(work)
            p.work_email = work
        if rng.random() < 0.08:
            p.apple_relay = (
                "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(10))
                + "@privaterelay.appleid.com"
            )
        return p

    i = 0
    while len(people) < n:
        i += 1
        country = rng.choices(countries, weights)[0]
        male = rng.random() < 0.55
        gid = f"A{len(people):06d}"
        roll = rng.random()
        if roll < 0.02:
            g_m, g_f, fam = COMMONEST[country]
            fam = fam if male else _feminine(fam, country)
            a = person(gid, country, male, given=g_m if male else g_f, family=fam, city=0)
            a.traps.append("namesake")
            people.append(a)
            continue
        a = person(gid, country, male)
        people.append(a)
        roll = rng.random()
        if roll < 0.18 and len(people) < n:
            cu = C[country]
            fam = _gendered(a.family, country, not a.male) if cu.shared_surname else None
            b = person(
                f"A{len(people):06d}",
                country,
                not a.male,
                family=fam,
                city=a.city,
                street=a.street,
                house=a.house,
                postcode=a.postcode,
                landline=a.landline,
                dob=a.dob + timedelta(days=rng.randint(-2500, 2500)),
            )
            a.partner, b.partner = b, a
            a.traps.append("couple")
            b.traps.append("couple")
            if rng.random() < 0.25:
                shared = (
                    a.email
                    if rng.random() < 0.5
                    else household(f"{_ascii(a.family.split()[-1]).lower()}.family", cu.mail[0])
                )
                a.household_email = b.household_email = shared
            people.append(b)
        elif roll < 0.21 and len(people) < n:
            sfx = "Jr" if country in ("GB", "US") and a.male and rng.random() < 0.6 else None
            child_dob = a.dob + timedelta(days=rng.randint(24 * 365, 36 * 365))
            if child_dob >= date(2006, 1, 1):
                continue
            b = person(
                f"A{len(people):06d}",
                country,
                a.male,
                given=a.given,
                family=a.family,
                city=a.city,
                street=a.street,
                house=a.house,
                postcode=a.postcode,
                landline=a.landline or _number(rng, PHONE[country][4], PHONE[country][5]),
                dob=child_dob,
                suffix=sfx,
            )
            a.landline = b.landline
            a.traps.append("parent")
            b.traps.append("child")
            people.append(b)
        elif roll < 0.22 and len(people) < n:
            twin_male = rng.random() < 0.5
            b = person(
                f"A{len(people):06d}",
                country,
                twin_male,
                family=_gendered(a.family, country, twin_male),
                city=a.city,
                street=a.street,
                house=a.house,
                postcode=a.postcode,
                landline=a.landline,
                dob=a.dob,
            )
            if b.given == a.given:
                continue
            a.traps.append("twin")
            b.traps.append("twin")
            people.append(b)
    return people[:n]


# ---------------------------------------------------------------- rendering


def typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.random()
    if kind < 0.35 and s[i].lower() in KEYBOARD:
        ch = rng.choice(KEYBOARD[s[i].lower()])
        return s[:i] + (ch.upper() if s[i].isupper() else ch) + s[i + 1 :]
    if kind < 0.6:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind < 0.85:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


# Romanisations of Korean surnames: an American Lee is never written Rhee.
KOREAN_ONLY = frozenset({"Lee", "Park", "Jung", "Choi", "Yoon"})


def spell(rng: random.Random, s: str, mode: str, country: str = "") -> str:
    """A name as one system writes it: diacritics kept, dropped or German-style."""
    if s in KOREAN_ONLY and country != "KR":
        return s
    if rng.random() < 0.25 and s in VARIANTS:
        s = rng.choice(VARIANTS[s])
    if mode == "keep":
        return s
    if mode == "german":
        s = "".join(_GERMANISH.get(ch, ch) for ch in s)
    return _ascii(s)


def vary_family(rng: random.Random, p: Person, family: str) -> tuple[str, str | None]:
    """(family, tussenvoegsel for the middle field or None)."""
    if p.country == "ES" and " " in family and rng.random() < 0.4:
        return family.split()[0], None
    if p.country == "ES" and " " in family and rng.random() < 0.1:
        return family.replace(" ", "-"), None
    if p.country in ("PT", "BR") and " " in family and rng.random() < 0.5:
        return family.split()[-1], None
    if p.country == "NL" and family.split()[0] in ("van", "de"):
        parts = family.split()
        prefix = " ".join(w for w in parts if w in ("van", "de", "den", "der"))
        core = " ".join(w for w in parts if w not in ("van", "de", "den", "der"))
        r = rng.random()
        if r < 0.15:
            return core, prefix
        if r < 0.25:
            return f"{core} {prefix}", None
        if r < 0.3:
            return family.replace(" ", "").capitalize(), None
        if r < 0.45:
            return family.title(), None
    if (
        p.country == "AE"
        and family.startswith("Al-")
        and rng.random() < 0.3
        and family not in VARIANTS
    ):
        return family.replace("-", " "), None
    if p.country == "KR":
        return family, None
    return family, None


def vary_given(rng: random.Random, p: Person, given: str) -> str:
    if p.country == "KR" and "-" in given:
        r = rng.random()
        if r < 0.35:
            return given.replace("-", "")
        if r < 0.45:
            return given.replace("-", " ")
        if r < 0.55:
            return given.replace("-", "").title()
    return given


# Forms of address in the guest's language, as a local system or the guest types them.
LOCAL_TITLES = {
    "NL": ("Dhr.", "Mevr."),
    "DE": ("Hr.", "Fr."),
    "IN": ("Shri", "Smt."),
    "PL": ("Pan", "Pani"),
    "TR": ("Bay", "Bayan"),
    "ES": ("Sr.", "Sra."),
}


def render_name(rng: random.Random, p: Person, source: str) -> dict[str, Any]:
    mode = rng.choices(["keep", "ascii", "german"], [0.5, 0.45, 0.05])[0]
    if source in ("booking", "expedia", "opera"):
        mode = rng.choices(["keep", "ascii"], [0.3, 0.7])[0]
    given = spell(rng, vary_given(rng, p, p.given), mode, p.country)
    fam_raw, tv = vary_family(rng, p, p.family)
    family = " ".join(spell(rng, w, mode, p.country) for w in fam_raw.split(" "))
    middle = spell(rng, p.middle, mode) if p.middle else None
    if rng.random() < 0.05:
        if rng.random() < 0.5:
            given = typo(rng, given)
        else:
            family = typo(rng, family)
    case = rng.random()
    caps = (source in ("opera", "booking", "expedia") and case < 0.4) or case < 0.1
    lower = not caps and case > 0.95
    title = ("MR" if p.male else rng.choice(["MRS", "MS"])) if rng.random() < 0.85 else "DR"
    out: dict[str, Any] = {}
    suffix = p.suffix if p.suffix and rng.random() < 0.7 else None

    def cased(s: str) -> str:
        return s.upper() if caps else s.lower() if lower else s

    r = rng.random()
    if source == "opera" and r < 0.35:
        g = given if not middle or rng.random() < 0.5 else f"{given} {middle}"
        fam = family + (f" {suffix.upper()}" if suffix else "")
        out["full_name"] = f"{fam}/{g} {title}".upper()
        return out
    if source in ("walkin", "booking") and r < 0.25:
        if C[p.country].family_first and rng.random() < 0.7:
            parts = [family, middle or "", given] if p.country == "VN" else [family, given]
        else:
            parts = [given, middle or "" if rng.random() < 0.5 else "", family]
        full = " ".join(x for x in parts if x)
        if suffix:
            full += f" {suffix}"
        out["full_name"] = cased(full)
        return out
    first = given
    if middle:
        m = rng.random()
        if m < 0.35 or (p.country == "VN" and m < 0.7):
            first = f"{given} {middle}"
        elif m < 0.55:
            out["middle_name"] = cased(middle)
    if tv:
        out["middle_name"] = tv
    if rng.random() < 0.12:
        t = {"MR": "Mr.", "MRS": "Mrs.", "MS": "Ms", "DR": "Dr"}[title]
        if p.country in LOCAL_TITLES and title != "DR" and rng.random() < 0.5:
            t = LOCAL_TITLES[p.country][0 if p.male else 1]
        if rng.random() < 0.5:
            first = f"{t} {first}"
        else:
            out["title"] = t
    last = family + (f" {suffix}" if suffix else "")
    if p.country in ("JP", "KR", "HU") and rng.random() < 0.05:
        first, last = family, given
    out["first_name"] = cased(first)
    out["last_name"] = cased(last)
    return out


def render_phone(rng: random.Random, p: Person, nsn: str, typed: bool, ext: bool = False) -> str:
    cc, trunk, *_rest, groups = PHONE[p.country]
    parts, i = [], 0
    for g in groups:
        parts.append(nsn[i : i + g])
        i += g
    if i < len(nsn):
        parts[-1] += nsn[i:]
    grouped = " ".join(x for x in parts if x)
    r = rng.random()
    if typed and r < 0.45:
        # the guest typed it in a national form
        sep = rng.choice([" ", "-", "", "."])
        body = sep.join(x for x in parts if x)
        if p.country == "US" and rng.random() < 0.5:
            body = f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
        out = f"{trunk}{body}"
    elif r < 0.55:
        out = f"+{cc}{nsn}"
    elif r < 0.7:
        out = f"00{cc} {grouped}"
    elif r < 0.78 and trunk == "0":
        out = f"+{cc} (0){grouped}"
    elif r < 0.85:
        out = f"+{cc}-{'-'.join(x for x in parts if x)}"
    else:
        out = f"+{cc} {grouped}"
    if ext:
        out += rng.choice([" ext. ", " x", " ext "]) + str(rng.randint(100, 4999))
    return out


def gmail_variant(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    if domain != "gmail.com":
        return email
    r = rng.random()
    if r < 0.2:
        local = local.replace(".", "")
    elif r < 0.3 and len(local) > 4:
        i = rng.randrange(1, len(local) - 1)
        if "." not in local[i - 1 : i + 1]:  # gmail refuses two dots in a row
            local = local[:i] + "." + local[i:]
    elif r < 0.4:
        local += "+hotels"
    return f"{local}@{domain}"


def render_email(rng: random.Random, p: Person, source: str) -> str | None:
    if p.household_email and rng.random() < 0.4:
        e = p.household_email
    elif p.partner and rng.random() < 0.06:
        e = p.partner.email
    elif p.business and p.work_email and source in PMS and rng.random() < 0.5:
        e = p.work_email
    else:
        e = gmail_variant(rng, p.email)
    if rng.random() < 0.01:
        local, _, domain = e.partition("@")
        e = f"{typo(rng, local)}@{domain}"
    if rng.random() < 0.1:
        e = e.upper()
    return e


def render_address(rng: random.Random, p: Person, full: bool) -> dict[str, Any]:
    cu = C[p.country]
    local_city, en_city, _ = cu.cities[p.city]
    city = rng.choice([local_city, en_city, _ascii(local_city)])
    if rng.random() < 0.2:
        city = city.upper()
    addr: dict[str, Any] = {"country": rng.choice([p.country, p.country, _country_name(p.country)])}
    if not full:
        if rng.random() < 0.5:
            addr["city"] = city
        return addr
    street = p.street
    abbrev = {
        "Street": "St",
        "Road": "Rd",
        "Avenue": "Ave",
        "Boulevard": "Blvd",
        "Lane": "Ln",
        "ulica ": "ul. ",
        "aleja ": "al. ",
        "Caddesi": "Cad.",
        "Sokak": "Sok.",
        "straße": "str.",
        "Calle ": "C/ ",
        "Avenida ": "Av. ",
        "Rua ": "R. ",
        "utca": "u.",
        "Đường ": "",
        "Odos ": "",
        "Leoforos ": "Leof. ",
        "straat": "str.",
    }
    if rng.random() < 0.4:
        for long, short in abbrev.items():
            street = street.replace(long, short)
    if rng.random() < 0.3:
        street = _ascii(street)
    number_first = p.country in ("GB", "US", "IN", "AE")
    line1 = f"{p.house} {street}" if number_first else f"{street} {p.house}"
    if p.country in ("ES", "PT", "BR") and rng.random() < 0.5:
        line1 = f"{street}, {p.house}" + rng.choice(["", ", 2º", " 3A", ", piso 1"])
    if p.country == "PL" and rng.random() < 0.4:
        line1 += f"/{rng.randint(1, 40)}" if rng.random() < 0.3 else f" m. {rng.randint(1, 40)}"
    addr.update({"line1": line1, "city": city})
    if p.postcode and rng.random() < 0.85:
        pc = p.postcode
        if rng.random() < 0.3:
            pc = pc.replace(" ", "").replace("-", "")
        addr["postcode"] = pc
    return addr


def _country_name(code: str) -> str:
    return {
        "TR": "Turkey",
        "PL": "Poland",
        "GR": "Greece",
        "IN": "India",
        "AE": "United Arab Emirates",
        "JP": "Japan",
        "KR": "South Korea",
        "VN": "Vietnam",
        "NL": "Netherlands",
        "ES": "Spain",
        "PT": "Portugal",
        "BR": "Brazil",
        "HU": "Hungary",
        "GB": "United Kingdom",
        "US": "USA",
        "DE": "Germany",
    }[code]


def render_dob(rng: random.Random, d: date) -> str:
    r = rng.random()
    if r < 0.03 and d.day <= 12 and d.day != d.month:
        d = date(d.year, d.day, d.month)
    elif r < 0.04:
        d = d.replace(day=d.day % 28 + 1)
    return d.isoformat()


def records_for(rng: random.Random, p: Person, ids: dict[str, int]) -> list[dict[str, Any]]:
    roll = rng.random()
    n = 1 if roll < 0.5 else 2 if roll < 0.75 else 3 if roll < 0.85 else rng.randint(4, 9)
    home = [rng.randrange(len(PROPERTIES)) for _ in range(2)]
    out: list[dict[str, Any]] = []
    for _ in range(n):
        channel = rng.choices(
            ["direct", "booking", "expedia", "walkin", "widget"],
            [
                0.42 + 0.2 * p.business,
                0.3,
                0.12,
                0.04,
                0.12 if (p.google_sub or p.apple_relay) else 0.02,
            ],
        )[0]
        prop, pms = PROPERTIES[
            rng.choice(home) if rng.random() < 0.7 else rng.randrange(len(PROPERTIES))
        ]
        arrival = START + timedelta(days=rng.randrange(900))
        nights = rng.randint(1, 6)
        ids["n"] += 1
        res = f"{prop}-{ids['n']:07d}"
        stay = {
            "reservation_id": res,
            "arrival": arrival.isoformat(),
            "departure": (arrival + timedelta(days=nights)).isoformat(),
            "property_id": prop,
            "status": "confirmed",
        }
        at = datetime.combine(arrival - timedelta(days=rng.randint(0, 60)), datetime.min.time())
        at += timedelta(seconds=rng.randrange(86400))
        if channel in ("booking", "expedia"):
            ota_no = _digits(rng, 10 if channel == "booking" else 9)
            alias = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))
            domain = "guest.booking.com" if channel == "booking" else "m.expediapartnercentral.com"
            rec: dict[str, Any] = {
                "source": channel,
                "source_record_id": ota_no,
                "property_id": prop,
                **render_name(rng, p, channel),
                "email": f"{alias}@{domain}"
                if channel == "booking" or rng.random() < 0.85
                else render_email(rng, p, channel),
                "stay": {**stay, "reservation_id": ota_no, "channel": channel},
            }
            if rng.random() < 0.7:
                rec["phone"] = render_phone(rng, p, p.mobile, typed=True)
            if rng.random() < 0.9:
                rec["address"] = render_address(rng, p, full=rng.random() < 0.3)
            out.append({**rec, "_at": at})
            if rng.random() < 0.5:
                # the PMS's copy of the OTA booking, carrying the channel's number
                copy = {
                    "source": pms,
                    "source_record_id": f"{pms[:2].upper()}{ids['n']}",
                    "property_id": prop,
                    **render_name(rng, p, pms),
                    "email": rec["email"],
                    "stay": {**stay, "channel": channel, "channel_reservation_id": ota_no},
                }
                if "phone" in rec:
                    copy["phone"] = rec["phone"]
                if rng.random() < 0.3:
                    copy["date_of_birth"] = render_dob(rng, p.dob)
                out.append({**copy, "_at": at + timedelta(minutes=rng.randint(1, 600))})
            continue
        if channel == "widget":
            rec = {
                "source": "widget",
                "source_record_id": f"W{ids['n']}",
                "property_id": prop,
                **render_name(rng, p, "widget"),
                "stay": {**stay, "channel": "web"},
            }
            if p.apple_relay and (not p.google_sub or rng.random() < 0.5):
                rec["social"] = {"provider": "apple", "subject": f"001{p.gid}.{p.mobile[-4:]}"}
                rec["email"] = p.apple_relay if rng.random() < 0.7 else p.email
                rec["email_masked"] = rec["email"] == p.apple_relay
            elif p.google_sub:
                rec["social"] = {"provider": "google", "subject": p.google_sub}
                rec["email"] = p.email
                rec["email_verified"] = True
            else:
                rec["email"] = render_email(rng, p, "widget")
            if rng.random() < 0.3:
                rec["phone"] = render_phone(rng, p, p.mobile, typed=True)
            out.append({**rec, "_at": at})
            continue
        source = "walkin" if channel == "walkin" else pms
        rec = {
            "source": source,
            "source_record_id": f"{source[:2].upper()}{ids['n']}",
            "property_id": prop,
            **render_name(rng, p, source),
            "stay": {**stay, "channel": "walk-in" if channel == "walkin" else "direct"},
        }
        if rng.random() < (0.7 if source != "walkin" else 0.35):
            rec["email"] = render_email(rng, p, source)
        if rng.random() < 0.7:
            use_land = p.landline and rng.random() < 0.3
            use_partner = p.partner and rng.random() < 0.06
            if use_partner and p.partner is not None:
                rec["phone"] = render_phone(rng, p.partner, p.partner.mobile, typed=False)
            elif p.business and rng.random() < 0.1:
                rec["phone"] = render_phone(rng, p, p.mobile, typed=False, ext=True)
            else:
                rec["phone"] = render_phone(
                    rng,
                    p,
                    p.landline if use_land and p.landline else p.mobile,
                    typed=source == "walkin",
                )
        if rng.random() < (0.35 if source != "walkin" else 0.5):
            rec["date_of_birth"] = render_dob(rng, p.dob)
        if rng.random() < 0.5:
            rec["address"] = render_address(rng, p, full=rng.random() < 0.8)
        if rng.random() < 0.6:
            rec["nationality"] = p.country
        if p.loyalty and source != "walkin" and rng.random() < 0.8:
            rec["loyalty_number"] = (
                p.loyalty if rng.random() < 0.8 else f"{p.loyalty[:2]} {p.loyalty[2:]}"
            )
        if p.passport and rng.random() < 0.2:
            rec["document"] = {
                "type": rng.choice(["passport", "PASSPORT", "P"]),
                "number": p.passport,
                "country": p.country,
            }
        out.append({**rec, "_at": at})
    return out


def generate(guests: int = 8000, seed: int = 11) -> tuple[list[dict[str, Any]], list[Person]]:
    """Records in arrival order (each with `_guest` and `_at`), and the people."""
    rng = random.Random(seed)
    people = make_people(guests, rng)
    ids = {"n": 0}
    records: list[dict[str, Any]] = []
    for p in people:
        for rec in records_for(rng, p, ids):
            rec["_guest"] = p.gid
            records.append(rec)
    records.sort(key=lambda r: r["_at"])
    return records, people
