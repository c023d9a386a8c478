"""The local authority numbers a UPN's characters 2 to 4 may hold: every English local
authority's DfE number, kept here as data rather than taken from python-stdnum, whose list
stops before the authorities made since 2019 (docs/architecture.md, "Pupil numbers").

A UPN is the child's for life, so the numbers of authorities since merged or split stay valid:
Dorset (835), Poole (836) and Bournemouth (837) became Dorset (838) and Bournemouth, Christchurch
and Poole (839) in 2019; Northamptonshire (928) became North (940) and West (941)
Northamptonshire in 2021; Cumbria (909) became Cumberland (942) and Westmorland and Furness (943)
in 2023."""

SINCE_2019 = frozenset({838, 839, 940, 941, 942, 943})

LA_CODES = frozenset(
    {
        *range(201, 214),
        *range(301, 321),
        *range(330, 337),
        *range(340, 345),
        *range(350, 360),
        *range(370, 374),
        *range(380, 385),
        *range(390, 395),
        420,
        800, 801, 802, 803, 805, 806, 807, 808, 810, 811, 812, 813, 815, 816,
        821, 822, 823, 825, 826, 830, 831, 835, 836, 837, 840, 841, 845, 846,
        850, 851, 852, 855, 856, 857, 860, 861, 865, 866, 867, 868, 869, 870,
        871, 872, 873, 874, 876, 877, 878, 879, 880, 881, 882, 883, 884, 885,
        886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896,
        908, 909, 916, 919, 921, 925, 926, 928, 929, 931, 933, 935, 936, 937, 938,
        *SINCE_2019,
    }
)  # fmt: skip
