"""Nickname and spelling-variant groups for given names (English, German, Spanish, French,
Slavic, Arabic…).

Each line is one group: the canonical name first, then nicknames and spellings that stand for
it. A nickname may belong to several groups ("chris"); two names match as nicknames when they
share a group. Names are ASCII-folded lower case.
"""

from __future__ import annotations

_GROUPS = """
abigail abby abbie gail
abraham abe bram ibrahim
adelaide addie heidi
albert al bert bertie albrecht
alexander alex alec alek sandy sasha xander alexandre alejandro alessandro
alexander aleksandr alexandr oleksandr shura sanya
alexandra alex alexa sandra sasha lexi alejandra alessandra aleksandra oleksandra
alfred al alf alfie fred freddie
alfonso alfons alphonse fonzie poncho
alice ali allie alicia
allison allie ali alison
amanda mandy manda
andrew andy drew andreas andre andres andrei andrey andriy
angela angie angelika angelica
anne ann annie anna nan nancy anita hanna hannah anja anka
anthony tony anton antonio antoine toni
antonia toni antonella
arthur art artie
augustine gus augustin agustin
barbara barb barbie babs bärbel barbel
bartholomew bart bartolome
beatrice bea trixie beatriz beate
benjamin ben benny benji benjamim
bernard bernie bernhard bernardo
bradley brad
brian bryan
bridget biddy bridgette brigitte brigitta gitte
carl karl charles
caroline carol carolyn carrie karoline carolina
catherine cathy kate katie kathy cat kathryn katherine kathleen kat katharina katarina
catherine kathi kaethe katja catalina cathrine katrin ekaterina yekaterina katerina katya
charles charlie chuck chas chaz carlos carlo karl carl charly
charlotte lottie lotte charly carlota
christian chris kris christiaan krzysztof
christina chris tina christine kristin kristina christa kirsten
christopher chris kit topher cristobal christoph kristoffer
clement clem klemens
constance connie konstanze
cynthia cindy
daniel dan danny dani
david dave davey davy
deborah debbie deb debra
dennis denny
diana di diane
dominic dom dominik domingo
donald don donny
dorothy dot dottie dora dorothea
douglas doug
edward ed eddie ted teddy ned eduard eduardo edouard
eleanor ellie nell nora elinor leonor
elizabeth liz lizzie beth betty bette eliza elisa lisa libby bess betsy isabel elisabeth
elizabeth lisbeth liesel ilse elsa else elise elisabetta isabella
emily em emmy emilie emilia
emma em emmy
eric rick erik
ernest ernie ernst ernesto
eugene gene eugen eugenio evgeny yevgeny evgeni zhenya
evelyn eve evie
florence flo florenz
frances fran fanny francesca franziska francisca francoise
francis frank frankie franz francisco paco pancho francois franco francesco
frederick fred freddy fritz friedrich federico frederic
gabriel gabe gabi gabriele
gabriella gabi gaby gabrielle gabriela
geoffrey geoff jeff jeffrey
george georgie jorge georg georges giorgio jurgen juergen
gerald gerry jerry gerold
gertrude gertie trudy trude
gregory greg gregor gregorio gregoire
gustav gus gustavo gustave
harold hal harry
harriet hattie
helen nell nellie helena helene elena lena ellen yelena olena
henry hank harry hal heinrich heinz enrique henri enrico hendrik
herbert herb bert
hubert bert hugh
ignatius ignacio nacho
isabel izzy isabelle isabella bella ysabel
isidore izzy isidro
jacob jake jakob jacobo
jacqueline jackie jacky
james jim jimmy jamie jem diego jaime jacques giacomo
jane janie jenny jean janet jeanne juana
jennifer jen jenny jenn
jeremiah jerry jeremy
jessica jess jessie
joan joanie joanna johanna jo hanne
john jack johnny jon hans johann johannes jan juan jean giovanni ivan sean jens vanya
jonathan jon jonny nathan
joseph joe joey jo jose pepe giuseppe josef sepp yusuf yousef youssef
josephine jo josie fifi josefina pepita
joshua josh
judith judy jutta
julia julie jules julienne juliana
julian jules julio julius
katherine kate kathy katie kay kitty
kenneth ken kenny
kimberly kim
laurence larry lawrence lorenz lorenzo laurent
leonard leo len lenny leon leonhard leonardo
lewis lou louis luis ludwig lutz luigi
louise lou lulu luise luisa louisa
lucas luke lukas luca
lucy lucia lucie luzia
magdalena magda lena madeleine madeline maddie
margaret maggie meg peggy marge madge greta gretchen margarete margarita rita margot marguerite
margaret margit daisy
maria mary marie mia mimi mitzi maja mariah mariana marion masha mariya
mark marc marco markus marcus
martha marty marta marthe
martin marty martino
matthew matt mathias matthias mateo matteo mathieu matthieu
maximilian max maxi maxim maximo maximilien
maxwell max
melissa mel missy
michael mike mikey mick micky mitch michel miguel michele mikhail michi misha
michelle shelly michaela micheline
nancy nan
natalie nat natalia nathalie natalya nataliya natasha
nathaniel nat nate nathan
nicholas nick nicky nico nicolas nikolaus klaus claus niklas nicola niccolo
nicholas nikolai nikolay mykola kolya
nicole nicki nikki nicola nicolette
oliver ollie olivier oliverio
olivia liv livvy
pamela pam
patricia pat patty trish tricia patrizia
patrick pat paddy patrice patricio
paul paulie pablo paolo pol pavel pasha
peter pete pierre pedro pietro piotr pyotr petr
philip phil pip philipp felipe filippo philippe
rachel rach raquel
ralph rafe ralf
raymond ray ramon raimund
rebecca becky becca
richard rick ricky dick rich richie ricardo riccardo
robert rob bob bobby robbie bert robin roberto
roger rog rudiger roger
ronald ron ronnie
rosalind rosa rose rosie rosalie
ruben rube reuben
rudolph rudy rudolf rudolfo
samantha sam sammy
samuel sam sammy samuele
sarah sara sally sadie
sebastian seb bastian sebastien sebastiano
sophia sophie sofia sofie
stanley stan
stephanie steph stefanie stephania estefania
stephen steve steven stevie stefan esteban stephane stefano
susan sue susie suzanne susanne susana susanna
theodore ted teddy theo teodoro theodor
theresa terry tess tessa teresa therese resi
thomas tom tommy thom tomas tomasz thomaso tommaso
timothy tim timmy timo
tobias toby tobi
valentine val valentin valentino
veronica ronnie vera veronika veronique
victor vic vicky viktor vittorio
victoria vicky tori viktoria
vincent vince vinnie vincenzo vicente
virginia ginny ginger
walter walt wally
william bill billy will willy willi liam wilhelm guillermo guillaume guglielmo willem
wolfgang wolf wolfi
zachary zach zack
dolores lola lolita
guadalupe lupe lupita
jesus chucho chuy
manuel manolo manu
concepcion concha conchita
enrique quique kike
rosario charo
mercedes merche
pilar pili
consuelo chelo
ignacio nacho
giuseppe beppe pino peppe peppino
alessandro sandro ale
francesca franci franca
giovanni gianni nanni
salvatore toto turi
vincenzo enzo
domenico mimmo
elisabeth sissi sisi lisa liesl
matthias matze
sebastian basti
wolfgang wolfi
katarzyna kasia kaska
malgorzata gosia malgosia
wojciech wojtek
aleksandra ola ala
aleksander olek alek
mateusz mateo matt
krzysztof krzys
tomasz tomek
piotr piotrek
lukasz lukas
agnieszka aga
magdalena madzia magda
jan janek jasiek
anna ania anka
frederik frede
antonio toninho tonho toni
francisca chica chiquinha
nicola nico nicolo nicolas
joao joaozinho
dmitri dmitry dmitrii dima mitya
sergei sergey serhiy serezha
vladimir volodymyr volodya vova
tatiana tatyana tanya
olga olya
svetlana sveta
yuri yury yuriy yurii iurii iouri youri jurij juri jurii yura
anastasia nastya
alexei aleksei alexey oleksiy alyosha lyosha
muhammad mohammed mohammad mohamed muhammed mehmet
ahmed ahmad achmed ahmet
hussein husein hussain husain hossein huseyin
omar umar omer
fatima fatma fatemeh fatimah
aisha ayesha aysha aischa
khalid khaled
abdullah abdallah abdulla
mustafa mostafa mustapha moustafa
yasmin yasmina jasmin jasmine
daria darya dasha
konstantin constantine konstantinos kostya
fyodor fedor feodor fedya
georgios giorgos yiorgos yorgos georgis
ioannis giannis yannis yiannis
dimitrios dimitris demetrios dimitri
konstantinos kostas kostis
vasileios vasilios vasilis vassilis
aikaterini ekaterini katerina
panagiotis panayiotis panagiotes panos
christos hristos
nikolaos nikos
athanasios thanasis thanos
evangelos vangelis
"""


def _build() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in _GROUPS.strip().splitlines():
        names = line.split()
        canonical = names[0]
        for name in names:
            groups.setdefault(name, set()).add(canonical)
    return {name: frozenset(found) for name, found in groups.items()}


NICKNAME_GROUPS: dict[str, frozenset[str]] = _build()


def nickname_groups(given: str) -> frozenset[str]:
    """The canonical names a (folded) given name may stand for; empty when unknown."""
    return NICKNAME_GROUPS.get(given, frozenset())


def canonical_given(given: str) -> str:
    """One deterministic canonical name for blocking keys (the alphabetically first group)."""
    found = NICKNAME_GROUPS.get(given)
    if not found:
        return given
    return given if given in found else min(found)
