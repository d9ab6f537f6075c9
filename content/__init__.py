# Data only: YAML content, locale catalogs and sample files. This file exists so the folder ships
# inside the installed package and can be located with `content.__file__`.
