"""The demo campaign's emails, written out: Plannery, a fictional social-media planning tool at plannery.example.

Every email is finished (real offer, code, links and sign-off) except UNFINISHED, which is left as a draft on
purpose, so the demo shows what the unfinished-content check finds. The domain is under .example, a top-level
domain reserved for examples (RFC 2606), so no link leads to anyone's real site; the check flags example.com,
.org and .net, the stand-ins the starter emails use, not this.
"""

from __future__ import annotations

SITE = "https://plannery.example"
UNFINISHED = "Refer a team"  # the one draft: its reward, terms and link are still placeholders

_HEAD = """<mjml>
  <mj-head>
    <mj-title>@TITLE@</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="24px" color="#1f2937" padding="8px 24px" />
      <mj-button background-color="#4f46e5" color="#ffffff" font-size="16px" font-weight="bold" border-radius="6px" inner-padding="14px 28px" padding="24px 24px 8px" />
      <mj-class name="footer" font-size="12px" line-height="18px" color="#6b7280" align="center" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section padding="24px 0 12px">
      <mj-column>
        <mj-text align="center" font-size="20px" font-weight="bold" color="#4f46e5">Plannery</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" border-radius="8px" padding="24px 0">
      <mj-column>
"""

_FOOT = """      </mj-column>
    </mj-section>
    <mj-section padding="24px 0">
      <mj-column>
        <mj-text mj-class="footer">@WHY@<br />Plannery Inc. &middot; 1200 Alder Street, Suite 400 &middot; Portland, OR 97205</mj-text>
        <mj-text mj-class="footer"><a href="https://plannery.example/account/email" style="color: #6b7280; text-decoration: underline;">Email preferences</a> &middot; <a href="{{ unsubscribe_url }}" style="color: #6b7280; text-decoration: underline;">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""

_SIGNATURE = """        <mj-divider border-width="1px" border-color="#e5e7eb" padding="16px 24px" />
        <mj-text font-size="14px" color="#4b5563">@LINE@<br />Maya Okafor, Customer Success at Plannery</mj-text>
"""

_LEAD = "You are receiving this email because you downloaded a guide from plannery.example."
_TRIAL = "You are receiving this email because you started a Plannery trial."
_CUSTOMER = "You are receiving this email because your team plans its posts with Plannery."


def _email(title: str, body: str, why: str, signature: str) -> str:
    """One demo email in the starters' layout: the logo line, the white card with `body`, the signature, the footer."""
    return (
        _HEAD.replace("@TITLE@", title)
        + body
        + _SIGNATURE.replace("@LINE@", signature)
        + _FOOT.replace("@WHY@", why)
    )


# By touchpoint name (campaigns.demo.TOUCHPOINTS), each matching its subject and preheader there.
EMAILS: dict[str, str] = {
    "E-book delivery and welcome": _email(
        "Your e-book: a month of social posts in one afternoon",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Your e-book is here, {{ firstname | default("there") }}</mj-text>
        <mj-text>Thanks for downloading <em>A Month of Posts in One Afternoon</em>. It is twelve pages, and you can read it over one coffee.</mj-text>
        <mj-text>Inside you will find:</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; the four-column calendar we use to plan thirty days of posts in one sitting<br />
          &bull; a checklist for turning one blog article into six posts for different channels<br />
          &bull; the approval routine that keeps a five-person team from waiting on each other
        </mj-text>
        <mj-button href="https://plannery.example/guides/month-in-an-afternoon">Read the e-book</mj-button>
        <mj-text font-size="14px" color="#4b5563" align="center">The link works for 30 days; save the PDF if you want to keep it.</mj-text>
        <mj-text>Once a month we will send you three posts that worked for other teams, and why. Nothing more.</mj-text>
""",
        _LEAD,
        "Questions about the e-book? Reply to this email: I read every answer.",
    ),
    "Monthly planning tips": _email(
        "Three posts that worked this month",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Three posts that worked this month</mj-text>
        <mj-text>Hi {{ firstname | default("there") }}, we looked at the calendars of 200 agencies that plan with Plannery. These three formats earned the most replies and shares in the last four weeks.</mj-text>
        <mj-text><strong style="color: #4f46e5;">1.</strong> <strong>The behind-the-scenes carousel.</strong><br />Five photos of how a project really came together, mistakes included. Saves went up by a third against polished product shots.</mj-text>
        <mj-text><strong style="color: #4f46e5;">2.</strong> <strong>One customer question, answered in 30 seconds.</strong><br />A short vertical video that answers a question from the comments, and names the person who asked it.</mj-text>
        <mj-text><strong style="color: #4f46e5;">3.</strong> <strong>The &ldquo;this or that&rdquo; poll.</strong><br />Two options, one tap. Polls planned for Tuesday mornings collected twice the votes of those posted on Fridays.</mj-text>
        <mj-button href="https://plannery.example/blog/three-posts-that-worked">Read this month's tips</mj-button>
""",
        _LEAD,
        "Tried one of these? Tell us how it went, and we may feature your team next month.",
    ),
    "Case study: agency saves 6 hours a week": _email(
        "How Brightside plans a month in a morning",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">How Brightside plans a month in a morning</mj-text>
        <mj-text>Hi {{ firstname | default("there") }},</mj-text>
        <mj-text>Brightside is a five-person agency that runs social media for eleven clients. Last spring their planning lived in three spreadsheets and a long chat thread, and every Monday went to chasing approvals.</mj-text>
        <mj-text>Today they plan the whole month on the first Monday morning: one shared calendar per client, drafts commented on where they sit, and clients approving with a single click.</mj-text>
        <mj-text padding="8px 24px" container-background-color="#eef2ff">
          <strong>&ldquo;We got six hours a week back. That is almost a whole day we now spend on ideas instead of status updates.&rdquo;</strong><br />
          Priya Raman, Head of Social at Brightside
        </mj-text>
        <mj-text>The case study shows their calendar, their approval steps, and the two habits that made the switch stick.</mj-text>
        <mj-button href="https://plannery.example/customers/brightside">Read the case study</mj-button>
""",
        _LEAD,
        "Want to see how this would look for your clients? Reply and I will set up a short call.",
    ),
    "Webinar reminder": _email(
        "Tomorrow: see a month planned live",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Tomorrow: see a month planned live</mj-text>
        <mj-text>Hi {{ firstname | default("there") }}, thanks for saving your seat. Here is everything you need for tomorrow.</mj-text>
        <mj-text padding="8px 24px" container-background-color="#eef2ff">
          <strong>Plannery live demo: a month of posts in 30 minutes</strong><br />
          When: tomorrow at 11:00 am Eastern (5:00 pm in Berlin)<br />
          Where: online, in your browser; nothing to install
        </mj-text>
        <mj-text>We will plan a real month for a sample client from a blank calendar, and keep the last ten minutes for your questions. Bring the one your team argues about most.</mj-text>
        <mj-button href="https://plannery.example/webinar/join">Join the webinar</mj-button>
        <mj-text font-size="14px" color="#4b5563" align="center">Cannot make it? Everyone who registered gets the recording the next day.</mj-text>
""",
        _LEAD,
        "See you tomorrow. I will be the one answering questions in the chat.",
    ),
    "Three months free trial": _email(
        "Your three free months are ready",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Your three free months are ready</mj-text>
        <mj-text>Hi {{ firstname | default("there") }},</mj-text>
        <mj-text>Thank you for joining the live demo. As promised, you can now try the Team plan free for three months instead of the usual fourteen days.</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; Plan with up to ten teammates and as many channels as you like<br />
          &bull; Client approvals and comments on every draft<br />
          &bull; No credit card needed, and nothing to cancel: the trial simply ends
        </mj-text>
        <mj-text align="center" font-size="14px" color="#4b5563" padding="16px 24px 0">Use code <strong style="color: #1f2937; letter-spacing: 1px;">LIVEDEMO90</strong> when you sign up</mj-text>
        <mj-button href="https://plannery.example/trial?code=LIVEDEMO90">Start my free trial</mj-button>
        <mj-text align="center" font-size="14px" color="#4b5563">Start within 14 days of the webinar. One trial per team.</mj-text>
""",
        _LEAD,
        "Not sure the Team plan fits? Reply with the size of your team and I will tell you honestly.",
    ),
    "Trial started": _email(
        "Welcome aboard",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Welcome aboard, {{ firstname | default("there") }}!</mj-text>
        <mj-text>Your Plannery workspace is ready. Teams that do these three things in their first week plan most of their month without a spreadsheet:</mj-text>
        <mj-text><strong style="color: #4f46e5;">1.</strong> <strong>Connect one channel.</strong> Start with the one you post to most; the others can follow.</mj-text>
        <mj-text><strong style="color: #4f46e5;">2.</strong> <strong>Plan your first post.</strong> Drop it on a day in the calendar and Plannery suggests the best time.</mj-text>
        <mj-text><strong style="color: #4f46e5;">3.</strong> <strong>Invite one teammate.</strong> Planning together is where the hours come back.</mj-text>
        <mj-button href="https://plannery.example/app/calendar">Plan your first post</mj-button>
""",
        _TRIAL,
        "Stuck anywhere? Reply to this email and a person from our team will help.",
    ),
    "Week one: connect your channels": _email(
        "Connect your first channel in two minutes",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Connect your first channel in two minutes</mj-text>
        <mj-text>Hi {{ firstname | default("there") }}, in our data teams that connect a channel on their second day plan twice as many posts in the first month as those who wait.</mj-text>
        <mj-text>It takes three clicks: open <strong>Settings &rsaquo; Channels</strong>, pick the network, and sign in there. Plannery never posts anything until you schedule it.</mj-text>
        <mj-text>Once a channel is connected, your calendar shows what you already published, so you can plan around it instead of starting from nothing.</mj-text>
        <mj-button href="https://plannery.example/app/settings/channels">Connect a channel</mj-button>
""",
        _TRIAL,
        "Using a network we do not support yet? Tell us which one; it helps us decide what comes next.",
    ),
    "Insights from your first month": _email(
        "Your first month in numbers",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Your first month in numbers</mj-text>
        <mj-text>Hi {{ firstname | default("there") }}, your team has planned with Plannery for a month now. Your insights page has the figures from that month:</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; how many posts you planned, and how many went out on time<br />
          &bull; the hours your team saved on approvals, compared with your first week<br />
          &bull; the days and times your audience answered most
        </mj-text>
        <mj-text>Next, try recurring slots: reserve Tuesday mornings for polls once, and the calendar keeps the place free every week.</mj-text>
        <mj-button href="https://plannery.example/app/insights">See your insights</mj-button>
""",
        _CUSTOMER,
        "Want a second pair of eyes on your numbers? Reply and book twenty minutes with me.",
    ),
    "Review on a software directory": _email(
        "Would you recommend Plannery to a colleague?",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Would you recommend us to a colleague, {{ firstname | default("there") }}?</mj-text>
        <mj-text>You have planned with Plannery for two months now. Other social teams decide which tool to try by reading reviews from people like you.</mj-text>
        <mj-text>Would you write a short one on our directory page? Two minutes is enough: what you plan with Plannery, and what changed for your team. Honest reviews help most, including the critical ones.</mj-text>
        <mj-text align="center" font-size="28px" line-height="36px" color="#f59e0b" padding="16px 24px 0">&#9733; &#9733; &#9733; &#9733; &#9733;</mj-text>
        <mj-button href="https://plannery.example/review">Write a review</mj-button>
""",
        _CUSTOMER,
        "Something not working for you? Reply first, and we will put it right.",
    ),
    # Left unfinished on purpose: the reward, the terms and the link are still placeholders.
    "Refer a team": _email(
        "Give a team three months, get one free",
        """        <mj-text font-size="26px" line-height="34px" font-weight="bold">Give a team three months, get one free</mj-text>
        <mj-text>Hi {{ firstname | default("there") }}, know another team that still plans its posts in spreadsheets? Send them your link.</mj-text>
        <mj-text>They get three months of the Team plan free. You get [reward for the referrer: one free month per team, or a credit?] once they start planning.</mj-text>
        <mj-button href="https://example.com/refer">Invite a team</mj-button>
        <mj-text font-size="14px" color="#4b5563" align="center">[Terms: how many teams, and until when, still to agree with finance]</mj-text>
""",
        _CUSTOMER,
        "Thank you for every team you send our way.",
    ),
}
