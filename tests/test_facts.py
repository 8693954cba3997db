import pytest

from bot.core.facts import Conflict, find_conflicts, is_update


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("At least 11 people were injured.", "At least 15 people were injured.", [("11", "15")]),
        (
            "Eleven people were hurt in the blast.",
            "Fifteen people were hurt in the blast.",
            [("Eleven", "Fifteen")],
        ),
        ("Sales rose 4% in March.", "Sales fell 4% in March.", [("rose", "fell")]),
        ("Sales rose 4% in March.", "Sales rose 6% in March.", [("4%", "6%")]),
        ("The vote is on Tuesday.", "The vote is on Thursday.", [("Tuesday", "Thursday")]),
        ("It opened in March 2021.", "It opened in May 2021.", [("March", "May")]),
        (
            "Repairs will cost $2.3 million.",
            "Repairs will cost $3.2 million.",
            [("$2.3 million", "$3.2 million")],
        ),
        (
            "The plant manager, Maria Lopez, said the fire began at 3 p.m.",
            "The plant manager, Ana Ruiz, said the fire began at 3 p.m.",
            [("Maria Lopez", "Ana Ruiz")],
        ),
    ],
)
def test_a_replaced_fact_is_a_conflict(a, b, expected):
    assert find_conflicts(a, b) == [Conflict(x, y) for x, y in expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Eleven people were hurt.", "At least 11 people were injured."),  # same number, spelled
        ("Turnout was 40 percent.", "Turnout reached 40%."),
        ("The U.S. said it would act.", "The United States said it would act."),
        ("Vladimir Putin met Donald Trump.", "The Russian president met Trump."),  # omission
        ("Prices climbed 4% on Monday.", "On Monday prices rose 4%."),  # same direction
        ("The plant shut down for a week.", "The plant closed for a week."),  # not a direction
        (
            "Police said 12 people were hurt.",
            "Police said 12 people were hurt, 3 of them children.",
        ),
    ],
)
def test_same_facts_or_omissions_are_not_conflicts(a, b):
    assert find_conflicts(a, b) == []


def test_possessives_keep_their_facts():
    assert find_conflicts("Friday's vote was close.", "Monday's vote was close.") == [
        Conflict("Friday", "Monday")
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The crowd of 23,000 was the largest.", "Twenty-three thousand spectators packed in."),
        ("Profit was £450m, ahead of the £431m expected.",
         "Profit came to 450 million pounds, above the 431 million pounds expected."),
        ("One in five people reported tiredness.", "20% of those vaccinated felt fatigued."),
        ("About one in eight had a sore arm.", "12.5% reported pain."),
        ("About a quarter of those enrolled were over 65.", "Roughly 25% of the total were 65+."),
        ("Two-thirds of voters backed it.", "67% of voters backed it."),
        ("Rain is due from Thursday 4 April.", "Rain is due from April 4."),
        ("It goes on sale on 18 September.", "It reaches shops on September 18th."),
        ("Up to 14 days of battery life.", "A battery that lasts a fortnight."),
        ("Reactions came in the two days after a dose.", "Reactions came within 48 hours."),
        ("Profit for the 13 weeks to 28 September.", "Profit for the three months to September."),
        ("The average basket grew for three quarters in a row.", "Sales rose in the quarter."),
        ("Homes within half a mile were told to shut windows.",
         "Homes within 800 metres were told to shut windows."),
        ("The walk is two and a half miles long.", "The walk is 2.5 miles long."),
        ("The meeting lasted one and a half hours.", "The meeting lasted 90 minutes."),
        ("Two and a half million pounds was raised.", "£2.5m was raised."),
        ("It could raise £4.1 million in its first year.",
         "It is projected to raise a little over £4 million in year one."),
        # a lede's bound, met closely by the body's figure
        ("The ferry had 212 people on board.", "More than 200 people were rescued."),
        ("Fewer than 50 homes were affected.", "47 homes were affected."),
    ],
)
def test_the_same_number_written_another_way_is_no_conflict(a, b):
    assert find_conflicts(a, b) == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("At least 12 people have died.", "The death toll rose to 15.", [("12", "15")]),
        ("Ellie-Mae is 15, a Year 10 pupil.", "Ellie-Mae, 16, had been missing.",
         [("15", "16")]),  # a hyphenated name says what the figure belongs to
        ("It marked the 30th anniversary.", "It marked the 40th anniversary.", [("30th", "40th")]),
        ("Lennart Fosdyke, 34, of Cobbler's Walk.", "Fosdyke, 43, was remanded.", [("34", "43")]),
        ("Rain is due on April 4.", "Rain is due on 5 April.", [("April 4", "5 April")]),
        ("Twenty-three thousand fans came.", "A crowd of 32,000 came.",
         [("Twenty-three thousand", "32,000")]),
        ("One in five adults smoke.", "30% of adults smoke.", [("One in five", "30%")]),
        # a bound met from far off is an update; one broken is a conflict
        ("At least four people have been injured.", "Seven people have been hurt.",
         [("four", "Seven")]),
        ("Fewer than 50 homes were affected.", "52 homes were affected.", [("50", "52")]),
        ("Police told people within half a mile to keep windows shut.",
         "Police told people within one mile to keep windows shut.",
         [("half a mile", "one mile")]),
        # "number of" names what the next figure counts, however far before it
        ("The fire service says 14 engines and around 70 firefighters are at the scene.",
         "The number of fire engines at the scene has risen to 20.", [("14", "20")]),
        # "the first half" is a period, not a share that would pair 11% with 50%
        ("Revenue for the half climbed 11% to £1.34bn.",
         "Sales in the first half of the financial year were up 13% at 1.34 billion pounds.",
         [("11%", "13%")]),
    ],
)
def test_an_updated_or_different_figure_is_a_conflict(a, b, expected):
    assert find_conflicts(a, b) == [Conflict(x, y) for x, y in expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Figures of two different claims in one sentence pair: no conflict between them.
        (
            "In 1990 there were four people of working age per pensioner; today there are 2.3.",
            "There are 2.3 working-age people per retiree, and pensions cost 38 billion a year.",
        ),
        (
            "At 18-10 down a lot of teams would have gone into their shells, the coach said.",
            "With his side eight points adrift, many teams would have retreated, the coach said.",
        ),
        # "mile 112" names a place on the road, as "platform 2" does
        (
            "The first calls came in at about 2:30 p.m., when fog settled over 40 cars.",
            "The pileup began at half past two, when drivers near mile 112 ran into fog.",
        ),
        # who filed it is not what it says
        (
            "KESSLING, Iowa (AP) — A fire at a farm supply warehouse killed a worker.",
            "KESSLING (KWVB) — A worker died in a fire at a farm supply warehouse.",
        ),
        # "one" as a pronoun counts nothing
        (
            "The council will pay for a hotel room for any household that needs one.",
            "UPDATE: The council says 41 households are now in hotels.",
        ),
        ("It was the one school in the county to stay open.",
         "UPDATE: 97 schools in the county are now closed."),
    ],
)
def test_figures_that_count_different_things_are_no_conflict(a, b):
    assert find_conflicts(a, b) == []


def test_the_same_count_changed_is_a_conflict_when_other_figures_stand_beside_it():
    a = "About 12,000 homes in 3 towns were left without water on Tuesday."
    b = "Some 18,500 homes in 3 towns were left without water on Tuesday."
    assert find_conflicts(a, b) == [Conflict("12,000", "18,500")]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # what the figure counts: the dead, by other words; the missing are another claim
        ("At least 23 people were killed and dozens more were missing.",
         "By evening the number of dead had risen to 31, with about 50 people unaccounted for.",
         [("23", "31")]),
        ("About 12,000 homes are without electricity, Northline says.",
         "Northline now says 38,000 customers are without electricity.", [("12,000", "38,000")]),
        ("About 48,000 residents were told to boil water after tests at two sampling points.",
         "The advisory applies to about 52,000 people after tests at two points.",
         [("48,000", "52,000")]),
        # clock times
        ("Trains are cancelled until at least midday.",
         "Trains will not run until at least 3pm.", [("midday", "3pm")]),
        ("The road reopens at 6pm.", "The road reopens at 9pm.", [("6pm", "9pm")]),
        ("The doors open at 7 p.m.", "The doors open at 8:30 p.m.", [("7 p.m.", "8:30 p.m.")]),
        # a live-blog line's timestamp is not its claim; the figure after it is
        ("08:05 - Northline Power says about 12,000 homes are without electricity.",
         "UPDATE 13:30 - The number of homes without power has fallen to 21,000.",
         [("12,000", "21,000")]),
        ("The dome was built in the 1960s.", "The dome was built in the 1990s.",
         [("1960s", "1990s")]),
        ("At 4.30pm the vote was held.", "At 5pm the vote was held.", [("4.30pm", "5pm")]),
        ("The vote came at about 4.30pm.", "The vote came at 6pm.", [("4.30pm", "6pm")]),
        # a label's number still conflicts with the same label's
        ("It entered the US charts at number 11.", "It entered the US charts at number 17.",
         [("11", "17")]),
        # a change by a fraction is a share
        ("Membership is to rise by 15% by 2027.", "Membership is to rise by a fifth by 2027.",
         [("15%", "a fifth")]),
        # pence are money, power and energy have their units
        ("The standing charge rises to 54.1p a day.", "The standing charge rises to 53.9p a day.",
         [("54.1p", "53.9p")]),
        ("The wind farm will have a capacity of 1.2GW.",
         "The wind farm will have a capacity of 1,400MW.", [("1.2GW", "1,400MW")]),
    ],
)
def test_conflicts_between_figures_of_the_same_thing(a, b, expected):
    assert find_conflicts(a, b) == [Conflict(x, y) for x, y in expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("It has paid for two new bus routes.",
         "Of the £46 million collected in year one, £31 million went to buses."),  # a label
        ("The laptop costs $1,999.", "The laptop costs just under two thousand dollars."),
        ("About 4,200 households lost water.", "4,150 households lost water."),
        ("The fire began at 3pm.", "The fire began at 15:00."),
        ("He ran 3:49.78 in Oslo.", "He ran three:49.78 in Oslo."),  # a race time, not a clock
        ("The alarm rang at 4.40am.", "The alarm rang at twenty to five."),
        ("They met at a quarter past three.", "They met at 3.15pm."),
        ("The train left at six o'clock.", "The train left at 6pm."),
        ("09:50 - Schools: the council says 23 schools are closed today.",
         "12:30 - Reminder: the council says 23 schools are shut today."),  # timestamps, leads
        # entry times without a separator, or set in bold, are timestamps too
        ("09:14 The vote is expected at about half past four.",
         "10:30 A reminder: the vote is pencilled in for 4.30pm."),
        ("**10.30am** The council says 23 schools are closed.",
         "**12.05pm** The council says 23 schools are shut."),
        ("The set has six real apple trees.", "The set has half a dozen apple trees."),
        ("The expansion will create about 3,400 jobs.",
         "Three thousand four hundred jobs would be created."),
        ("A thousand people came.", "About 1,000 people came."),
        ("It peaked at 3.50pm.", "It peaked a few minutes before four o'clock."),
        ("The vote came at about 4.30pm.", "The vote came at 4.40pm."),
        ("Pellham employs about 1,900 people.",
         "Around 1,900 staff, making it one of the town's biggest employers."),  # "one of"
        ("It has been a generic drug since 1998.",
         "It has been a generic drug since the late 1990s."),  # a year inside the decade
        ("The union rejected a 3.5% rise.", "The union says the award falls below inflation."),
        ("The plant at Kersey, 90 miles away, is newer.",
         "Around 60 of the workforce will transfer to Kersey."),  # a distance, not a count
        ("The appeal reached more than 250,000 people.",
         "The appeal was seen by more than a quarter of a million people."),
        ("They raised half a million pounds.", "They raised £500,000."),
        ("It buys about two tonnes of pods a year, roughly 4,400lb.",
         "It uses about 2,000kg of pods a year."),  # masses in other units
        ("The driver, Sunil Varma, 47, pulled over.",
         "Sunil Varma pulled over and rang 999."),  # a number dialled
        ("A delegation of 32 people arrived.",
         "The band last visited for the 30th anniversary."),  # a rank, not a count
        ("The standing charge is 60p a day.", "The standing charge is £0.60 a day."),
        ("The wind farm will have a capacity of 1.2GW.",
         "The 1,200MW wind farm will be the largest."),
        ("A typical home uses 2,700 kilowatt hours of electricity.",
         "The figure assumes a home using 2,700kWh of electricity."),
        # a price per kWh, a rating and an amount of energy are three different figures
        ("Electricity is capped at 24.9p per kWh.",
         "It assumes 2,700kWh of electricity a year."),
        ("Most deals charge exit fees of £75 per fuel.",
         "The cap rises by 8.6% for a typical household."),  # "per" alone is no share
        ("Call the Student Hub on 01632 960 418.", "Call the Student Hub on 01632 960418."),
        ("They cost between £4,000 and £5,500 a year.",  # "and" joins the two ends of a range
         "They cost between four thousand and five and a half thousand pounds a year."),
        ("The river will peak at between 4.7m and 5m.",  # the scale given once for a range
         "The river will peak at between 4.7 and 5 metres."),
        ("Sales reached between 4.7 and 5 million.", "Sales reached 4.7 million."),
        ("It cost £220,000.", "It cost two hundred and twenty thousand pounds."),
        ("It cost £4,005.", "It cost four thousand and five pounds."),
    ],
)
def test_the_same_figure_written_otherwise_or_another_claims_figure_is_no_conflict(a, b):
    assert find_conflicts(a, b) == []


def test_a_figure_the_other_paragraph_states_elsewhere_was_not_replaced():
    a = ("A family in Band B can expect to wait about four and a half years. "
         "For a one-bedroom flat, the average wait is 19 months.")
    b = "Typical wait for a family home in Band B: 4.5 years"
    one_bed = "For a one-bedroom flat, the average wait is 19 months."
    assert find_conflicts(one_bed, b) == [Conflict("19 months", "4.5 years")]
    assert find_conflicts(one_bed, b, (a, b)) == []
    # a figure that stands only beside another claim's equal figure is still replaced
    toll, update = "The toll is 12.", "The toll rose to 15."
    around = (toll, update + " Police said 15 officers attended.")
    assert find_conflicts(toll, update, around) == [Conflict("12", "15")]


def test_a_rounded_figure_far_from_the_other_still_conflicts():
    assert find_conflicts("About 4,200 households lost water.", "4,900 households lost water.") == [
        Conflict("4,200", "4,900")]
    # a bound is not an approximation
    assert find_conflicts("At least 23 people died.", "22 people died.") == [Conflict("23", "22")]


def test_one_is_a_count_unless_it_stands_for_a_noun():
    assert find_conflicts("The one hundred flats were emptied.", "The 112 flats were emptied.") == [
        Conflict("one hundred", "112")]
    assert find_conflicts("Each one was emptied.", "The 112 flats were emptied.") == []


def test_a_value_before_a_change_conflicts_only_with_another_such_value():
    assert find_conflicts("It has a 31-storey tower and two blocks of nine and eleven storeys.",
                          "The developer lowered the tower from 36 storeys to 31.") == []
    assert find_conflicts("Fares rose from 12p to 15p.", "Fares rose from 10p to 15p.") == [
        Conflict("12p", "10p")]


def test_two_figures_transposed_conflict():
    release = ("Of the 103 affordable homes, 62 will be let at social rent through Tullside "
               "Homes and the remaining 41 offered as shared ownership.")
    story = "Of the 103 affordable flats, 41 are for social rent and 62 for shared ownership."
    assert find_conflicts(release, story) == [Conflict("41", "62")]
    # the same figures of the same things, told in another order
    assert find_conflicts("Dizziness affected 9% of patients and rashes 6%.",
                          "Rashes affected 6% of patients and dizziness 9%.") == []


def test_two_estimates_further_apart_than_their_rounding_conflict():
    assert find_conflicts("The sites will provide around 5,200 homes.",
                          "The sites are for about 5,400 homes.") == [Conflict("5,200", "5,400")]
    # one figure rounded twice, the coarser way and the finer way
    assert find_conflicts("Nearly 2,000 people attended.", "About 1,950 people attended.") == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (  # the attribution rewritten at length: no short replaced span to compare
            "“She changed the room,” says the show’s director, Oskar Haldane, who cast her.",
            "“She changed the room,” says Orley.",
            [("Oskar Haldane", "Orley")],
        ),
        ('"We will rebuild," said Mayor Ana Ruiz.', '"We will rebuild," said Mayor Tom Hale.',
         [("Ana Ruiz", "Tom Hale")]),
        # the speaker before the verb, past a clause about them; the quote's first word
        # ("This") is no name
        ("Detective Inspector Helen Quarrie, who led the inquiry, said: “This gang chose the old.”",
         "Detective Sergeant Owen Brierley said: “This gang chose the old.”",
         [("Inspector Helen Quarrie", "Sergeant Owen Brierley")]),
        ("Councillor Rajinder Boult, Cabinet Member for Finance, said: “No council wants this.”",
         "“No council wants this,” said council leader Marian Totterdell.",
         [("Rajinder Boult", "Marian Totterdell")]),
    ],
)
def test_a_quote_credited_to_someone_else_is_a_name_conflict(a, b, expected):
    assert find_conflicts(a, b) == [Conflict(x, y) for x, y in expected]


@pytest.mark.parametrize(
    "b",
    [
        '"We will rebuild," Ruiz told reporters.',  # the same person, surname only
        '"We will rebuild," said Mayor Ruiz.',
        '"We will rebuild," the mayor said.',  # credited to no name
        "The mayor, Ana Ruiz, said the town would rebuild.",  # reported speech, same speaker
    ],
)
def test_the_same_speaker_named_otherwise_is_no_conflict(b):
    assert find_conflicts('"We will rebuild," said Mayor Ana Ruiz.', b) == []


def test_one_surname_with_another_title_is_the_same_speaker():
    assert find_conflicts("Helen Quarrie said: “This gang chose the old.”",
                          "DI Quarrie said: “This gang chose the old.”") == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("A quake struck on Thursday, killing at least 40 people.",
         "UPDATE 12:30 — The death toll has risen to 260.", True),
        ("The storm has killed at least four people in Quillan County, officials said.",
         "UPDATE 11:30 — The death toll in Quillan County has risen to six.", True),
        ("Agency spokesman Tomas Erlich said 14 people had been pulled out alive.",
         "A later statement put the number of people rescued alive at 17.", True),
        ("About 12,000 homes are without electricity.",
         "The number of homes without power now stands at 38,000.", True),
        # a newer figure for something else: injured, not dead
        ("The storm has killed at least four people.", "The number injured has risen to six.",
         False),
        # the same count with another figure, but nothing says it is the newer one
        ("Sixteen miners were killed.", "Fourteen miners were killed.", False),
        # an update word, but the figure is a share, not a count of anything named
        ("Turnout was about 62%.", "Turnout has now risen to 64%.", False),
        # a live blog's UPDATE tag says the blog moved on, not that this count did
        ("07:52 The council says 86 households have been moved out so far.",
         "11:30 UPDATE: Cllr Thorne says 38 households have been placed in hotels.", False),
        ("07:52 The council says 86 households have been moved out so far.",
         "UPDATE 13:20 — The council now says 97 households have left.", True),
    ],
)
def test_a_newer_figure_for_the_same_count_is_an_update(a, b, expected):
    assert is_update(a, b) is expected
