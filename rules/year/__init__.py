"""The group's year (Y1, Y2): the annual plan (``annual_plan``), the seed's
case plan it starts from (``plan_template``) and the year month by month
(``calendar``)."""
