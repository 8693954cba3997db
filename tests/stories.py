"""Two short stories on one fire, shared by the archive tests: FOLLOW_UP repeats FIRE's
second paragraph word for word and nothing else."""

FIRE = (
    "A fire tore through the Brennan Plastics factory in Harwick late on Tuesday, injuring "
    "11 workers and sending black smoke over the town.\n\n"
    "Police closed the Harwick bypass overnight and told people nearby to keep their windows "
    "shut until the smoke cleared.\n\n"
    "Investigators said it was too early to say what caused the blaze at the plant."
)
FOLLOW_UP = (
    "Brennan Plastics said on Thursday that it would reopen part of the site next month.\n\n"
    "Police closed the Harwick bypass overnight and told people nearby to keep their windows "
    "shut until the smoke cleared.\n\n"
    "The company employs about 260 people in the town, most of them on two shifts."
)
