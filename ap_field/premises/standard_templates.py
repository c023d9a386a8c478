# ruff: noqa: E501 (each item is one line of the guidance's own wording)
"""The checklists every installation starts with, from the commissioning guidance (North
Somerset, "Commissioning Alternative Learning Provision: Guidance for Schools
Commissioners", section 2 and Appendix 1). Their wording is the guidance's own.

They become version 1 of each template the first time anyone lists or starts a check
(premises.services.standard_templates), so a fresh `flask db upgrade` in production and an
empty test database both get them, and migrations stay schema only. Admins add later
versions from the app; a template name that already has a version is never seeded again.
"""

GUIDANCE = "Commissioning Alternative Learning Provision: Guidance for Schools Commissioners"

HEALTH_AND_SAFETY = "Health and safety physical check"
HEALTH_AND_SAFETY_SOURCE = (
    f"{GUIDANCE}, section 2 (Health and Safety), points 1 to 10; the higher-risk items "
    "spell out point 5's 'the checks will need to be more robust'"
)
HEALTH_AND_SAFETY_TEXT = """
# Suitability for the pupils
- The provision is age appropriate and takes into consideration the ways in which any pupils might be at greater risk, e.g. due to medical conditions or behavioural difficulties
- The provider has discussed what the pupil will be doing during the placement, and its risk assessments include specific mitigations for protecting young people
- The provider informs the school and the parents/carers of any significant health and safety risks the child is exposed to, and how they are being controlled
- The provider understands the specific factors relevant to young people at work, including certain industry specific prohibitions and limitations

# Physical check of the premises
- General suitability of workplace conditions
- Housekeeping
- Toilets and washing facilities
- Fire precautions
- Guarding of machines
- Provision of any necessary protective equipment

# Induction, training and supervision
- Appropriate induction
- Training
- Supervision
- Site familiarisation
- Pupils know how and with whom to raise health and safety concerns

# Contacts and reporting
- Key points of contact between the provider and school are agreed, to discuss any issues or concerns during the placement
- A named contact for reporting any serious accidents or incidents to the school, which follows its own employer's accident reporting procedure

# Higher-risk setting: construction, agriculture, manufacturing or motor vehicle repairs [higher risk]
- The risk assessment covers the higher-risk work the pupil will do, with mitigations for young people
- Work, machinery and substances prohibited or limited for young people are identified and kept from the pupil
- Machinery and tools the pupil may use are guarded, maintained, and used only under supervision
- Protective equipment suited to the work is supplied, fits the pupil and is worn
- The pupil is supervised by a competent person throughout the work
- Vehicles and moving machinery are kept apart from where pupils walk and work
- Hazardous substances (fuels, chemicals, dusts) are stored and used under control, and the pupil is told the risks
- First aid equipment and a trained first aider are available on site
"""

APPENDIX_1 = "Appendix 1: suitability and monitoring checklist"
APPENDIX_1_SOURCE = (
    f"{GUIDANCE}, Appendix 1: Checklist of factors for schools to consider when assessing "
    "whether an Alternative Provision is of a suitable quality and that appropriate and robust "
    "monitoring arrangements are in place"
)
APPENDIX_1_TEXT = """
# General policies
- Is the provision on the Alternative Provision Framework? (This does not replace a school's duty to make its own checks regarding each provision.)

# General policies: which of the following checks were carried out prior to placement?
- a) Staff and Volunteer Record – Single central record of qualifications, recruitment, and vetting checks
- b) Insurance Certificates (see details below)
- c) Core Risk Assessments
- d) Admissions Policy and Procedures and register
- e) Attendance Policy and Procedures and register
- f) Health and Safety Policy
- g) Educational Visits and Outings Policy and Procedures
- h) Code of Conduct and Behaviour Policy (to include drugs policy and anti-bullying policies)
- i) Data Protection Policy and Procedures
- j) Equality information and objectives (public sector equality duty) statement for publication
- k) Child Protection Policy and Procedures
- l) Statement of procedures for dealing with allegations of abuse against staff
- m) Sex and Relationships Education Policy
- n) Complaints Procedure Statement
- o) That an institution which should be registered as an independent school (has four or more students or one with a statement/EHC Plan on roll full time) is registered
- p) Ofsted Report for a registered independent school where applicable
- q) Other - specify

# Quality of Provision
- The commissioned course meets the educational and SEMH needs of each pupil
- The premises are fit for purpose
- Health and safety arrangements are of an appropriate standard
- Teaching and learning are of a high standard
- Suitable resources and teaching materials are available
- Behaviour management is strong
- Attendance recording and reporting are robust
- Tracking and reporting on progress is robust
- Suitable accreditation and other outcomes are on offer
- Due attention is paid to reintegration or progression to Post-16 pathways

# Supporting Documentation in Place
- Service Level Agreement
- Education plan for each pupil or group of pupils
- Review calendar/ system for monitoring progress and outcomes and quality of provision
- Formal agreement from the parent(s) /carer(s)for the arrangement
- Effective communication protocol
- System for monitoring progress and outcomes and quality of provision

# Insurance
- Public Liability Insurance (recommended limit of indemnity not less than £5,000,000)
- Employer's Liability Insurance (recommended limit of indemnity not less than £10,000,000)
- Professional Negligence Insurance (where professional services are provided, professional indemnity not less than £2,500,000)
- Motor Vehicle Insurance
- Subcontractor Liability
"""

STANDARD_TEMPLATES = [
    (HEALTH_AND_SAFETY, HEALTH_AND_SAFETY_SOURCE, HEALTH_AND_SAFETY_TEXT),
    (APPENDIX_1, APPENDIX_1_SOURCE, APPENDIX_1_TEXT),
]
