"""Name, place and provider pools for the synthetic hotel-guest generator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """What a guest from one country looks like on paper."""

    code: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, postcode prefix)
    streets: tuple[str, ...]
    mail: tuple[str, ...]
    currency: str
    number_first: bool = False  # "12 High Street" rather than "Hauptstraße 12"
    family_first: bool = False  # native order is family name then given name
    double_surname: bool = False  # Spanish / Portuguese: paternal + maternal


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


COUNTRIES: dict[str, Country] = {
    "DE": Country(
        "DE",
        _t(
            "Thomas,Michael,Andreas,Stefan,Hans,Jürgen,Klaus,Wolfgang,Peter,Johannes,Lukas,"
            "Maximilian,Jörg,Uwe,Friedrich,Matthias,Sebastian,Alexander,Christoph,Dieter"
        ),
        _t(
            "Anna,Maria,Ursula,Monika,Petra,Sabine,Katharina,Julia,Lena,Jülide,Brigitte,"
            "Elisabeth,Susanne,Claudia,Andrea,Sophie,Hannah,Birgit,Renate,Charlotte"
        ),
        _t(
            "Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schulz,Hoffmann,Schäfer,"
            "Koch,Bauer,Richter,Klein,Wolf,Schröder,Neumann,Schwarz,Zimmermann,Braun,Krüger,"
            "Hofmann,Hartmann,Lange,Weiß,Köhler,Groß,Jäger,Günther"
        ),
        (
            ("Berlin", "10"),
            ("München", "80"),
            ("Hamburg", "20"),
            ("Köln", "50"),
            ("Frankfurt am Main", "60"),
            ("Stuttgart", "70"),
            ("Düsseldorf", "40"),
            ("Leipzig", "04"),
        ),
        _t(
            "Hauptstraße,Schulstraße,Bahnhofstraße,Gartenstraße,Dorfstraße,Bergstraße,"
            "Lindenstraße,Kirchweg,Am Markt,Goethestraße,Schillerplatz,Friedrichstraße"
        ),
        _t("gmx.de,web.de,t-online.de,gmail.com,outlook.de,posteo.de"),
        "EUR",
    ),
    "FR": Country(
        "FR",
        _t(
            "Jean,Pierre,Michel,François,Nicolas,Philippe,Julien,Antoine,Hugo,Louis,Éric,"
            "Frédéric,Sébastien,Olivier,Thierry,Mathieu"
        ),
        _t(
            "Marie,Nathalie,Isabelle,Sophie,Camille,Léa,Chloé,Céline,Élodie,Anne,Hélène,"
            "Émilie,Amélie,Margaux,Françoise,Sylvie"
        ),
        _t(
            "Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,Simon,"
            "Laurent,Lefèvre,Michel,Garcia,David,Bertrand,Roux,Fournier,Girard,Lefebvre,Mercier"
        ),
        (
            ("Paris", "75"),
            ("Lyon", "69"),
            ("Marseille", "13"),
            ("Toulouse", "31"),
            ("Nice", "06"),
            ("Bordeaux", "33"),
            ("Lille", "59"),
        ),
        _t(
            "rue de la Paix,avenue Victor Hugo,rue du Moulin,boulevard Saint-Michel,"
            "rue de l'Église,place de la République,rue Pasteur,avenue Jean Jaurès"
        ),
        _t("orange.fr,free.fr,laposte.net,gmail.com,hotmail.fr,sfr.fr"),
        "EUR",
        number_first=True,
    ),
    "ES": Country(
        "ES",
        _t(
            "José,Antonio,Manuel,Francisco,Juan,David,Javier,Carlos,Jesús,Alejandro,Miguel,"
            "Rafael,Pablo,Sergio,Ignacio,Álvaro"
        ),
        _t(
            "María,Carmen,Ana,Isabel,Laura,Lucía,Cristina,Marta,Elena,Pilar,Dolores,Sofía,"
            "Paula,Raquel,Guadalupe,Begoña"
        ),
        _t(
            "García,Rodríguez,González,Fernández,López,Martínez,Sánchez,Pérez,Gómez,Martín,"
            "Jiménez,Ruiz,Hernández,Díaz,Moreno,Muñoz,Álvarez,Romero,Navarro,Ibáñez"
        ),
        (
            ("Madrid", "28"),
            ("Barcelona", "08"),
            ("Valencia", "46"),
            ("Sevilla", "41"),
            ("Bilbao", "48"),
            ("Málaga", "29"),
        ),
        _t(
            "Calle Mayor,Calle Real,Avenida de la Constitución,Calle del Sol,Plaza de España,"
            "Calle San José,Paseo de Gracia,Calle Alcalá"
        ),
        _t("gmail.com,hotmail.es,yahoo.es,telefonica.net,outlook.es"),
        "EUR",
        double_surname=True,
    ),
    "IT": Country(
        "IT",
        _t(
            "Giuseppe,Giovanni,Antonio,Mario,Luigi,Francesco,Alessandro,Andrea,Marco,Roberto,"
            "Stefano,Lorenzo,Matteo,Nicolò,Davide"
        ),
        _t(
            "Maria,Anna,Giuseppina,Rosa,Giulia,Francesca,Chiara,Sara,Alessandra,Elena,"
            "Federica,Martina,Silvia,Paola,Lucia"
        ),
        _t(
            "Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,"
            "Gallo,Conti,De Luca,Mancini,Costa,Giordano,Rizzo,Lombardi,Moretti"
        ),
        (
            ("Roma", "001"),
            ("Milano", "201"),
            ("Napoli", "801"),
            ("Torino", "101"),
            ("Firenze", "501"),
            ("Bologna", "401"),
        ),
        _t(
            "Via Roma,Via Garibaldi,Corso Italia,Via Dante,Piazza Duomo,Via Mazzini,"
            "Via Verdi,Viale Europa"
        ),
        _t("libero.it,virgilio.it,gmail.com,tiscali.it,alice.it,hotmail.it"),
        "EUR",
    ),
    "GB": Country(
        "GB",
        _t(
            "James,John,David,Robert,William,Richard,Thomas,Christopher,Daniel,Matthew,Oliver,"
            "George,Harry,Edward,Benjamin,Nicholas,Michael,Andrew"
        ),
        _t(
            "Sarah,Emma,Elizabeth,Katherine,Margaret,Charlotte,Emily,Olivia,Sophie,Rebecca,"
            "Jessica,Victoria,Hannah,Lucy,Susan,Helen"
        ),
        _t(
            "Smith,Jones,Williams,Taylor,Brown,Davies,Evans,Wilson,Thomas,Johnson,Roberts,"
            "Robinson,Thompson,Wright,Walker,White,Edwards,Hughes,Green,Hall,O'Brien,"
            "Harris,Clarke,Jackson"
        ),
        (
            ("London", "SW1"),
            ("Manchester", "M1"),
            ("Birmingham", "B1"),
            ("Leeds", "LS1"),
            ("Bristol", "BS1"),
            ("Edinburgh", "EH1"),
            ("Glasgow", "G1"),
        ),
        _t(
            "High Street,Station Road,Church Lane,Victoria Road,Park Avenue,Green Lane,"
            "Manor Road,Kings Road,Queen Street,Mill Lane"
        ),
        _t("gmail.com,hotmail.co.uk,btinternet.com,yahoo.co.uk,outlook.com,sky.com"),
        "GBP",
        number_first=True,
    ),
    "US": Country(
        "US",
        _t(
            "James,John,Robert,Michael,William,David,Richard,Joseph,Thomas,Christopher,Daniel,"
            "Matthew,Anthony,Steven,Kevin,Brian,Edward,Joshua"
        ),
        _t(
            "Mary,Patricia,Jennifer,Linda,Elizabeth,Barbara,Susan,Jessica,Sarah,Karen,Nancy,"
            "Lisa,Ashley,Kimberly,Emily,Michelle,Amanda,Rebecca"
        ),
        _t(
            "Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Garcia,Rodriguez,Wilson,Martinez,"
            "Anderson,Taylor,Thomas,Moore,Jackson,Martin,Lee,Thompson,White,Harris,Clark,"
            "Lewis,Walker,Young,Allen,McDonald"
        ),
        (
            ("New York", "100"),
            ("Chicago", "606"),
            ("Boston", "021"),
            ("Seattle", "981"),
            ("Austin", "787"),
            ("San Francisco", "941"),
            ("Miami", "331"),
            ("Denver", "802"),
        ),
        _t(
            "Main Street,Oak Street,Maple Avenue,Washington Street,Park Avenue,Elm Street,"
            "Lake Drive,Cedar Lane,Sunset Boulevard,2nd Street"
        ),
        _t("gmail.com,yahoo.com,hotmail.com,aol.com,icloud.com,outlook.com,comcast.net"),
        "USD",
        number_first=True,
    ),
    "JP": Country(
        "JP",
        _t("Hiroshi,Takashi,Kenji,Yuki,Haruto,Sota,Daiki,Kazuo,Shota,Ryota,Takumi,Kenta"),
        _t("Yuko,Keiko,Akiko,Yui,Hana,Sakura,Aoi,Misaki,Naoko,Tomoko,Emi,Yoko"),
        _t(
            "Sato,Suzuki,Takahashi,Tanaka,Watanabe,Ito,Yamamoto,Nakamura,Kobayashi,Kato,"
            "Yoshida,Yamada,Sasaki,Inoue,Kimura"
        ),
        (
            ("Tokyo", "100"),
            ("Osaka", "530"),
            ("Kyoto", "600"),
            ("Yokohama", "220"),
            ("Nagoya", "450"),
        ),
        _t("Chiyoda 1-chome,Shibuya 2-chome,Umeda 3-chome,Minato 4-chome,Nakano 5-chome"),
        _t("yahoo.co.jp,gmail.com,docomo.ne.jp,ezweb.ne.jp,icloud.com"),
        "JPY",
        family_first=True,
    ),
    "CN": Country(
        "CN",
        _t("Wei,Jun,Lei,Qiang,Yong,Jie,Tao,Ming,Hao,Bo,Xiaoming,Zhiwei,Jianguo,Haoran"),
        _t("Fang,Min,Jing,Li,Yan,Juan,Xiuying,Na,Ying,Xiaoli,Meiling,Yuting,Xinyi"),
        _t("Wang,Li,Zhang,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou,Xu,Sun,Ma,Zhu,Hu,Guo,Lin"),
        (
            ("Shanghai", "200"),
            ("Beijing", "100"),
            ("Shenzhen", "518"),
            ("Guangzhou", "510"),
            ("Hangzhou", "310"),
        ),
        _t("Nanjing Road,Huaihai Road,Zhongshan Road,Renmin Road,Jiefang Road"),
        _t("qq.com,163.com,126.com,sina.com,gmail.com"),
        "CNY",
        family_first=True,
    ),
    "KR": Country(
        "KR",
        _t("Min-jun,Seo-jun,Ji-hoon,Hyun-woo,Dong-hyun,Sung-min,Jae-won,Young-ho"),
        _t("Seo-yeon,Ji-woo,Min-seo,Ha-eun,Soo-jin,Eun-ji,Hye-jin,Ji-young"),
        _t("Kim,Lee,Park,Choi,Jung,Kang,Cho,Yoon,Jang,Lim"),
        (("Seoul", "04"), ("Busan", "48"), ("Incheon", "21"), ("Daegu", "41")),
        _t("Gangnam-daero,Teheran-ro,Sejong-daero,Jongno,Haeundae-ro"),
        _t("naver.com,daum.net,gmail.com,hanmail.net,kakao.com"),
        "KRW",
        family_first=True,
    ),
    "PL": Country(
        "PL",
        _t(
            "Łukasz,Piotr,Krzysztof,Tomasz,Paweł,Michał,Marcin,Jakub,Wojciech,Grzegorz,"
            "Aleksander,Mateusz"
        ),
        _t(
            "Anna,Katarzyna,Małgorzata,Agnieszka,Joanna,Magdalena,Monika,Ewa,Zofia,"
            "Aleksandra,Barbara,Dorota"
        ),
        _t(
            "Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,"
            "Szymański,Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Krawczyk"
        ),
        (
            ("Warszawa", "00"),
            ("Kraków", "30"),
            ("Łódź", "90"),
            ("Wrocław", "50"),
            ("Gdańsk", "80"),
            ("Poznań", "60"),
        ),
        _t("ul. Marszałkowska,ul. Długa,ul. Piękna,ul. Floriańska,ul. Mickiewicza,ul. Kościuszki"),
        _t("wp.pl,onet.pl,interia.pl,gmail.com,o2.pl"),
        "PLN",
    ),
    "DK": Country(
        "DK",
        _t("Søren,Jens,Niels,Lars,Jørgen,Henrik,Mads,Rasmus,Frederik,Anders,Mikkel"),
        _t("Mette,Anne,Kirsten,Hanne,Ida,Freja,Sofie,Line,Maja,Søs,Birgitte"),
        _t(
            "Nielsen,Jensen,Hansen,Pedersen,Andersen,Christensen,Larsen,Sørensen,Rasmussen,"
            "Jørgensen,Møller,Kristensen"
        ),
        (("København", "1"), ("Aarhus", "8"), ("Odense", "5"), ("Aalborg", "9")),
        _t("Nørregade,Østergade,Vestergade,Strandvejen,Søndergade,Algade"),
        _t("gmail.com,hotmail.dk,mail.dk,live.dk,outlook.dk"),
        "DKK",
    ),
    "BR": Country(
        "BR",
        _t("João,José,Antônio,Francisco,Carlos,Paulo,Pedro,Lucas,Luiz,Marcos,Gabriel,Rafael"),
        _t(
            "Maria,Ana,Francisca,Antônia,Adriana,Juliana,Márcia,Fernanda,Patrícia,Aline,"
            "Camila,Beatriz"
        ),
        _t(
            "Silva,Santos,Oliveira,Souza,Rodrigues,Ferreira,Alves,Pereira,Lima,Gomes,Costa,"
            "Ribeiro,Martins,Carvalho,Araújo,Conceição"
        ),
        (
            ("São Paulo", "01"),
            ("Rio de Janeiro", "20"),
            ("Belo Horizonte", "30"),
            ("Brasília", "70"),
            ("Salvador", "40"),
            ("Curitiba", "80"),
        ),
        _t(
            "Rua das Flores,Avenida Paulista,Rua XV de Novembro,Avenida Atlântica,"
            "Rua da Consolação,Rua Augusta"
        ),
        _t("gmail.com,hotmail.com,uol.com.br,bol.com.br,terra.com.br,yahoo.com.br"),
        "BRL",
        double_surname=True,
    ),
}

# Guests by nationality, as a European hotel group sees them.
NATIONALITY_WEIGHTS: dict[str, float] = {
    "DE": 18,
    "GB": 13,
    "US": 12,
    "FR": 10,
    "ES": 8,
    "IT": 8,
    "PL": 5,
    "DK": 4,
    "CN": 7,
    "JP": 5,
    "KR": 3,
    "BR": 7,
}

# Very common full names that real hotel groups see many unrelated guests under.
NAMESAKES: tuple[tuple[str, str, str, str], ...] = (
    ("US", "M", "John", "Smith"),
    ("GB", "M", "David", "Jones"),
    ("US", "F", "Maria", "Garcia"),
    ("ES", "F", "María", "García"),
    ("CN", "M", "Wei", "Wang"),
    ("CN", "F", "Li", "Zhang"),
    ("DE", "M", "Thomas", "Müller"),
    ("DE", "F", "Anna", "Schmidt"),
    ("KR", "M", "Min-jun", "Kim"),
    ("JP", "M", "Hiroshi", "Sato"),
    ("FR", "F", "Marie", "Martin"),
    ("IT", "M", "Marco", "Rossi"),
    ("PL", "F", "Anna", "Nowak"),
    ("BR", "M", "José", "Silva"),
    ("GB", "F", "Sarah", "Smith"),
    ("DK", "M", "Lars", "Nielsen"),
    ("US", "M", "Michael", "Johnson"),
)

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Alexander": ("Alex", "Sasha"),
    "Aleksander": ("Olek", "Alek"),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "Margaret": ("Maggie", "Peggy"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Richard": ("Rick", "Dick", "Richie"),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Jennifer": ("Jen", "Jenny"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Nicholas": ("Nick",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe", "Joey"),
    "Benjamin": ("Ben",),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue",),
    "Rebecca": ("Becky",),
    "Matthew": ("Matt",),
    "Andrew": ("Andy", "Drew"),
    "Steven": ("Steve",),
    "Kimberly": ("Kim",),
    "Jessica": ("Jess",),
    "Victoria": ("Vicky", "Tori"),
    "Joshua": ("Josh",),
    "José": ("Pepe",),
    "Francisco": ("Paco", "Pancho"),
    "Manuel": ("Manolo",),
    "Dolores": ("Lola",),
    "Guadalupe": ("Lupe",),
    "Ignacio": ("Nacho",),
    "Jesús": ("Chucho",),
    "Giuseppe": ("Beppe", "Pino"),
    "Alessandro": ("Sandro",),
    "Francesca": ("Franci",),
    "Johannes": ("Hans", "Jo"),
    "Friedrich": ("Fritz",),
    "Katharina": ("Kathi", "Katja"),
    "Elisabeth": ("Lisa", "Sissi"),
    "Matthias": ("Matze",),
    "Sebastian": ("Basti",),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Wojciech": ("Wojtek",),
    "Aleksandra": ("Ola",),
    "Mateusz": ("Mateo",),
    "Frederik": ("Frede",),
    "Antônio": ("Toninho",),
    "Francisca": ("Chica",),
    "Alexandra": ("Sasha", "Alex"),
    "Nicolò": ("Nico",),
    "Antonio": ("Toni",),
    "Gabriel": ("Gabi",),
    "Emily": ("Em",),
    "Charlotte": ("Lotte",),
}

# Where a hotel group's own staff type umlauts out, or a feed strips them.
TRANSLIT_EXPAND = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "ø": "oe",
    "Ø": "Oe",
    "å": "aa",
    "Å": "Aa",
    "æ": "ae",
}

# Courtesy titles as each country's guests (and front desks) write them: (male, female).
TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "DE": (("Herr", "Hr."), ("Frau", "Fr.")),
    "FR": (("M.", "Monsieur"), ("Mme", "Madame")),
    "ES": (("Sr.", "D."), ("Sra.", "Dña.")),
    "IT": (("Sig.",), ("Sig.ra",)),
    "BR": (("Sr.",), ("Sra.",)),
}
DEFAULT_TITLES = (("Mr", "Mr."), ("Mrs", "Ms", "Ms.", "Miss"))

AGENCIES: tuple[tuple[str, str, str], ...] = (
    # (country, email, phone) of travel agencies and corporate travel desks
    ("DE", "info@reisebuero-sonnenschein.de", "+49 89 54321000"),
    ("GB", "bookings@corporatetravel.co.uk", "+44 20 7946 0000"),
    ("US", "travel@acme-corp.com", "+1 212 555 0100"),
    ("FR", "contact@voyages-lumiere.fr", "+33 1 42 68 53 00"),
    ("ES", "reservas@viajeselsol.es", "+34 912 345 678"),
    ("IT", "info@agenziaviaggiroma.it", "+39 06 1234 5678"),
    ("CN", "service@shanghai-travel.cn", "+86 21 6123 4567"),
    ("JP", "info@jtb-corporate.jp", "+81 3 1234 5678"),
    ("DK", "rejser@nordicbiz.dk", "+45 33 12 34 56"),
    ("PL", "biuro@podroze-krakow.pl", "+48 12 421 38 90"),
)

COMPANIES = (
    "siemens.com",
    "bnpparibas.com",
    "santander.com",
    "unicredit.eu",
    "hsbc.co.uk",
    "deloitte.com",
    "sap.com",
    "toyota.co.jp",
    "samsung.com",
    "lego.com",
    "petrobras.com.br",
    "alibaba-inc.com",
    "pkobp.pl",
    "google.com",
    "accenture.com",
)

ROOM_TYPES = (
    ("STD-DBL", 110.0),
    ("STD-TWN", 110.0),
    ("SUP-KING", 160.0),
    ("DLX-KING", 220.0),
    ("JR-SUITE", 340.0),
    ("SGL", 85.0),
)
