"""Korean date formats that Django's own locale gets wrong: it prints "9:00 오전"; Koreans write "오전 9:00"
(the same order as Django's own TIME_FORMAT, "A g:i")."""

DATETIME_FORMAT = "Y년 n월 j일 A g:i"
