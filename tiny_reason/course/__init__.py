"""The course's own machinery, apart from the library a user imports: the exercises' answer keys and checks,
and the predicted time of each lesson on a free Colab T4. No module of `tiny_reason` outside this package
imports it; `tiny-reason time` loads it when asked."""
